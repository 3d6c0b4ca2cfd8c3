package crewship.mission.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;

/**
 * Wakes this JVM's engines at once when there is work (a run submitted and committed, a
 * run finished and its slot free) instead of waiting for their next poll. Other replicas
 * find the work with their short poll.
 */
@Component
public class EngineSignal {

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	public void wake() {
		this.listeners.forEach(Runnable::run);
	}

	void register(Runnable listener) {
		this.listeners.add(listener);
	}

	void unregister(Runnable listener) {
		this.listeners.remove(listener);
	}

}
