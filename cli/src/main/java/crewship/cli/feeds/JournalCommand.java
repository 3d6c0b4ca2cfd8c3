package crewship.cli.feeds;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.Output.Column;
import crewship.cli.Refs;

/**
 * The crew journal ({@code GET /api/v1/journal}): the append-only record of what
 * happened.
 */
@Command(name = "journal", description = "List journal entries, newest first.")
public class JournalCommand extends CliCommand {

	static final List<Column> COLUMNS = List.of(Column.of("TIME", "ts"), Column.of("TYPE", "entry_type"),
			Column.of("SEVERITY", "severity"), Column.of("SUMMARY", "summary"));

	@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Only this crew's entries.")
	String crew;

	@Option(names = "--agent", paramLabel = "SLUG|ID", description = "Only this agent's entries.")
	String agent;

	@Option(names = "--type", paramLabel = "TYPES", description = "Entry types, comma-separated.")
	String type;

	@Option(names = "--severity", description = "Severities, comma-separated (info, warn, error).")
	String severity;

	@Option(names = "--since", description = "1h, 24h, 7d or an RFC 3339 time.")
	String since;

	@Option(names = "--search", description = "Free-text search.")
	String search;

	@Option(names = "--lines", defaultValue = "50", description = "Entries to show (1-500).")
	int lines;

	@Override
	protected void run() {
		if (this.lines < 1 || this.lines > 500) {
			throw Failure.validation("--lines must be between 1 and 500 (got " + this.lines + ")");
		}
		Api api = ctx().workspaceApi();
		String crewId = (this.crew != null) ? Refs.crewId(api, this.crew) : null;
		String agentId = (this.agent != null) ? Refs.agentId(api, this.agent) : null;
		out().list(api
			.get(Api.path("/api/v1/journal", "crew_id", crewId, "agent_id", agentId, "entry_type", this.type,
					"severity", this.severity, "since", Since.of(this.since), "q", this.search, "limit", this.lines))
			.path("entries"), COLUMNS);
	}

}
