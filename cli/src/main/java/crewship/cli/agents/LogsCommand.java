package crewship.cli.agents;

import java.time.Duration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.Output;
import crewship.cli.Refs;
import crewship.cli.live.Live;
import tools.jackson.databind.JsonNode;

/**
 * An agent's log: the last lines ({@code GET /api/v1/agents/{id}/logs}), and with
 * {@code --follow} every new line live over {@code /ws} ({@code agent.log} events on
 * {@code agent:{id}}) until Ctrl-C, or until {@code --idle} seconds pass without one.
 */
@Command(name = "logs", description = "Show an agent's log; --follow streams it live.")
public class LogsCommand extends CliCommand {

	static final int MAX_LINE = 200;

	@Parameters(index = "0", paramLabel = "AGENT")
	String ref;

	@Option(names = { "-n", "--lines" }, defaultValue = "100", description = "Lines to show first.")
	int lines;

	@Option(names = { "-F", "--follow" }, description = "Stream new lines live (WebSocket).")
	boolean follow;

	@Option(names = "--idle", paramLabel = "SECONDS", defaultValue = "0",
			description = "With --follow: stop after this long without a line (0: never).")
	int idle;

	@Override
	protected void run() {
		Api api = ctx().workspaceApi();
		String agentId = Refs.agentId(api, this.ref);
		String recent = Api.path("/api/v1/agents/" + Api.segment(agentId) + "/logs", "limit", this.lines);
		if (!this.follow) {
			JsonNode logs = api.get(recent);
			if (out().format().machine()) {
				out().machine(logs);
			}
			else {
				logs.path("logs").forEach(line -> out().out().println(clean(line.asString())));
			}
			return;
		}
		try {
			api.get(recent).path("logs").forEach(line -> out().out().println(clean(line.asString())));
		}
		catch (Failure ex) {
			out().note("(no recent lines: " + ex.getMessage() + ")");
		}
		try (Live live = Live.connect(api)) {
			live.subscribe("agent:" + agentId);
			out().note("Following the log of " + this.ref + " (Ctrl-C to stop)");
			Duration wait = (this.idle > 0) ? Duration.ofSeconds(this.idle) : Duration.ofDays(3650);
			JsonNode frame;
			while ((frame = live.next(wait)) != null) {
				if (!"agent.log".equals(frame.path("type").asString())) {
					continue;
				}
				JsonNode line = frame.path("payload");
				if (out().format().machine()) {
					out().out().println(Api.JSON.writeValueAsString(line));
				}
				else {
					String event = nonEmpty(Output.text(line, "event"), nonEmpty(Output.text(line, "level"), "log"));
					out().out()
						.println(clean(nonEmpty(Output.text(line, "ts"), "") + " [" + event + "] "
								+ nonEmpty(Output.text(line, "content"), "")));
				}
			}
		}
	}

	/**
	 * A log line as it may reach a terminal: no control characters (a rogue line must not
	 * smuggle escape sequences into the operator's scrollback), at most 200 characters.
	 */
	static String clean(String line) {
		StringBuilder clean = new StringBuilder(Math.min(line.length(), MAX_LINE + 1));
		line.codePoints().filter(c -> c == '\t' || !Character.isISOControl(c)).forEach(clean::appendCodePoint);
		return (clean.length() > MAX_LINE) ? clean.substring(0, MAX_LINE) + "…" : clean.toString();
	}

	private static String nonEmpty(String value, String fallback) {
		return (value != null && !value.isEmpty()) ? value : fallback;
	}

}
