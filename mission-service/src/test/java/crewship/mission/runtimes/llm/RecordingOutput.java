package crewship.mission.runtimes.llm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import crewship.mission.engine.RunOutput;

/** What a runtime streamed and logged, in order. */
class RecordingOutput implements RunOutput {

	final List<String> chunks = new CopyOnWriteArrayList<>();

	final List<String> logs = new CopyOnWriteArrayList<>();

	@Override
	public void text(String chunk) {
		this.chunks.add(chunk);
	}

	@Override
	public void log(String level, String event, String content) {
		this.logs.add(level + " " + event + " " + content);
	}

	List<String> events(String event) {
		return this.logs.stream().filter(line -> line.split(" ", 3)[1].equals(event)).toList();
	}

}
