package crewship.mission.runtimes.local;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.AgentRuntime;
import crewship.mission.engine.RunOutcome;
import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;

/**
 * The offline runtime of a dev suite: calls no model and says so. Its answer is
 * deterministic (the same request gives the same text), streamed in a few chunks, and it
 * honours interrupts at once. Three markers in a prompt make it behave like a slow or
 * broken model, for trying the engine out (they mean nothing to a real runtime):
 * <ul>
 * <li>{@code [[local:slow=MS]]} — waits MS milliseconds (at most ten minutes) before it
 * answers;</li>
 * <li>{@code [[local:stall]]} — never answers: it waits until it is stopped or times
 * out;</li>
 * <li>{@code [[local:fail]]} — reports a failure, as a provider that refused would.</li>
 * </ul>
 */
public class LocalRuntime implements AgentRuntime {

	public static final String NAME = "local";

	public static final String STALL = "[[local:stall]]";

	public static final String FAIL = "[[local:fail]]";

	static final Pattern SLOW = Pattern.compile("\\[\\[local:slow=(\\d{1,9})]]");

	static final long SLOW_MAX_MILLIS = Duration.ofMinutes(10).toMillis();

	private final Duration chunkDelay;

	/** A runtime that pauses 10 ms between its chunks, like a fast stream. */
	public LocalRuntime() {
		this(Duration.ofMillis(10));
	}

	public LocalRuntime(Duration chunkDelay) {
		this.chunkDelay = chunkDelay;
	}

	@Override
	public RunOutcome execute(RuntimeRequest request, RunOutput output) throws InterruptedException {
		String prompt = (request.prompt() != null) ? request.prompt() : "";
		if (prompt.contains(STALL)) {
			output.log("info", "local.stall", "The local runtime stalls this run until it is stopped");
			Thread.sleep(Long.MAX_VALUE);
		}
		Matcher slow = SLOW.matcher(prompt);
		if (slow.find()) {
			Thread.sleep(Math.min(SLOW_MAX_MILLIS, Long.parseLong(slow.group(1))));
		}
		if (prompt.contains(FAIL)) {
			return RunOutcome.failed("The local runtime was asked to fail (" + FAIL + ")", NAME, null, null);
		}
		StringBuilder text = new StringBuilder();
		for (String chunk : chunks(request)) {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			output.text(chunk);
			text.append(chunk);
			if (!this.chunkDelay.isZero()) {
				Thread.sleep(this.chunkDelay);
			}
		}
		return RunOutcome.completed(text.toString(), NAME, null, null, 0, 0, 0);
	}

	/** The answer, in the pieces it is streamed in. */
	static List<String> chunks(RuntimeRequest request) {
		AgentProfile agent = request.agent();
		String who = (agent != null && agent.name() != null) ? agent.name() : "This agent";
		String prompt = (request.prompt() != null) ? request.prompt() : "";
		List<String> chunks = new ArrayList<>();
		chunks.add("I am Crewship's local runtime, not a language model: no model was called for this run. ");
		chunks.add(who + " received a " + request.trigger().wire() + " request of " + prompt.length()
				+ " characters (sha256 " + sha256(prompt).substring(0, 12) + ")");
		chunks.add((request.conversation() != null && !request.conversation().isEmpty())
				? " after " + request.conversation().size() + " earlier turns. " : ". ");
		chunks.add("Give the agent an LLM provider and a credential to get real answers.");
		return chunks;
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
