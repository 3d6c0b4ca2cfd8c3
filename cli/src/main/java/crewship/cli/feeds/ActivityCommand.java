package crewship.cli.feeds;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.Refs;

/**
 * The cross-crew activity feed: a journal view of assignments, peer conversations and
 * escalations (the reference retired the old {@code /api/v1/activity} aggregator for it).
 */
@Command(name = "activity", description = "Show the activity feed: assignments, peer conversations, escalations.")
public class ActivityCommand extends CliCommand {

	static final String TYPES = "peer.conversation,peer.escalation,assignment.created,assignment.running,"
			+ "assignment.completed,assignment.failed";

	@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Only this crew.")
	String crew;

	@Option(names = "--since", description = "1h, 24h, 7d or an RFC 3339 time.")
	String since;

	@Option(names = "--lines", defaultValue = "50", description = "Entries to show (1-500).")
	int lines;

	@Override
	protected void run() {
		if (this.lines < 1 || this.lines > 500) {
			throw Failure.validation("--lines must be between 1 and 500 (got " + this.lines + ")");
		}
		Api api = ctx().workspaceApi();
		String crewId = (this.crew != null) ? Refs.crewId(api, this.crew) : null;
		out().list(api
			.get(Api.path("/api/v1/journal", "crew_id", crewId, "entry_type", TYPES, "since", Since.of(this.since),
					"limit", this.lines))
			.path("entries"), JournalCommand.COLUMNS);
	}

}
