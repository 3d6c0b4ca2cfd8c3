package crewship.mission.engine;

import java.util.UUID;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfiles;
import crewship.mission.runs.RunStore;
import crewship.mission.runs.RunTransitions;

/**
 * This JVM's run engine, started with the application and stopped (its runs handed back)
 * before the database goes; {@link #create} makes further engines over the same parts (a
 * second replica in one JVM, in tests).
 */
@Component
public class RunEngines implements SmartLifecycle {

	private final EngineProperties properties;

	private final RunEngine.Parts parts;

	private final RunEngine engine;

	RunEngines(EngineProperties properties, RunStore store, RunTransitions transitions, AgentProfiles profiles,
			AgentRuntime runtime, PlatformTransactionManager transactionManager, EngineSignal signal, LiveLog liveLog,
			DatabaseGate database, RunTracing tracing) {
		this.properties = properties;
		this.parts = new RunEngine.Parts(store, transitions, profiles, runtime,
				new TransactionTemplate(transactionManager), signal, liveLog, database, tracing);
		String replicaId = (properties.replicaId() != null && !properties.replicaId().isBlank())
				? properties.replicaId() : RunEngine.host() + "-" + UUID.randomUUID().toString().substring(0, 8);
		this.engine = new RunEngine(replicaId, properties, this.parts);
	}

	/** This replica's engine. */
	public RunEngine local() {
		return this.engine;
	}

	/** Another engine over the same parts, with its own replica id (not started). */
	public RunEngine create(String replicaId) {
		return new RunEngine(replicaId, this.properties.withReplicaId(replicaId), this.parts);
	}

	/**
	 * Another engine over the same parts but another runtime and settings (not started).
	 */
	public RunEngine create(String replicaId, AgentRuntime runtime, EngineProperties settings) {
		RunEngine.Parts other = new RunEngine.Parts(this.parts.store(), this.parts.transitions(), this.parts.profiles(),
				runtime, this.parts.transactions(), this.parts.signal(), this.parts.liveLog(), this.parts.database(),
				this.parts.tracing());
		return new RunEngine(replicaId, settings.withReplicaId(replicaId), other);
	}

	/** This replica's settings. */
	public EngineProperties properties() {
		return this.properties;
	}

	public AgentRuntime runtime() {
		return this.parts.runtime();
	}

	@Override
	public void start() {
		if (this.properties.enabled()) {
			this.engine.start();
		}
	}

	@Override
	public void stop() {
		this.engine.stop();
	}

	@Override
	public boolean isRunning() {
		return this.engine.isRunning();
	}

	/** Late in start-up (after Kafka listeners), early in shutdown. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE - 1000;
	}

}
