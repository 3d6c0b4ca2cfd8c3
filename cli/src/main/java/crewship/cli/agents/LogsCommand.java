package crewship.cli.agents;

import java.time.Duration;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
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
		if (!this.follow) {
			JsonNode logs = api.get(Api.path("/api/v1/agents/" + Api.segment(agentId) + "/logs", "lines", this.lines));
			if (out().format().machine()) {
				out().machine(logs);
			}
			else {
				logs.path("logs").forEach(line -> out().out().println(line.asString()));
			}
			return;
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
					out().out()
						.println(String
							.join(" ", nonEmpty(Output.text(line, "ts")), nonEmpty(Output.text(line, "level")),
									nonEmpty(Output.text(line, "content")))
							.trim());
				}
			}
		}
	}

	private static String nonEmpty(String value) {
		return (value != null) ? value : "";
	}

}
