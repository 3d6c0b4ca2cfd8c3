package crewship.cli.feeds;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.GroupCommand;
import crewship.cli.Output.Column;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What waits for the caller: approvals, escalations, keeper requests, mentions. */
@Command(name = "inbox", description = "List, count, read and resolve inbox items.", subcommands = {
		InboxCommand.ListItems.class, InboxCommand.Count.class, InboxCommand.Read.class, InboxCommand.Resolve.class })
public class InboxCommand extends GroupCommand {

	@Command(name = "list", description = "List inbox items.")
	static class ListItems extends CliCommand {

		@Option(names = "--state", defaultValue = "unread", description = "unread, read, resolved or all.")
		String state;

		@Option(names = "--kind", description = "waitpoint, escalation, failed_run or message.")
		String kind;

		@Option(names = "--limit", defaultValue = "50", description = "At most this many.")
		int limit;

		@Override
		protected void run() {
			JsonNode inbox = ctx().workspaceApi()
				.get(Api.path("/api/v1/inbox", "state", this.state, "kind", this.kind, "limit", this.limit));
			out().list(inbox.path("rows"), List.of(Column.of("ID", "id"), Column.of("KIND", "kind"),
					Column.of("TITLE", "title"), Column.of("STATE", "state"), Column.of("CREATED", "created_at")));
		}

	}

	@Command(name = "count", description = "How many items are unread.")
	static class Count extends CliCommand {

		@Override
		protected void run() {
			JsonNode count = ctx().workspaceApi().get("/api/v1/inbox/count");
			out().record(count, List.of(Column.of("Unread", "unread"), Column.of("Blocking", "blocking")));
		}

	}

	@Command(name = "read", description = "Mark an item read.")
	static class Read extends CliCommand {

		@Parameters(index = "0", paramLabel = "ID")
		String id;

		@Override
		protected void run() {
			JsonNode item = ctx().workspaceApi()
				.patch("/api/v1/inbox/" + Api.segment(this.id), Api.object().put("state", "read"));
			out().done("Marked read: " + this.id, item);
		}

	}

	@Command(name = "resolve", description = "Resolve an item.")
	static class Resolve extends CliCommand {

		@Parameters(index = "0", paramLabel = "ID")
		String id;

		@Option(names = "--action",
				description = "What was done: approved, denied, retried, cancelled, acknowledged or dismissed.")
		String action;

		@Override
		protected void run() {
			ObjectNode body = Api.object().put("state", "resolved");
			if (this.action != null) {
				body.put("resolved_action", this.action);
			}
			JsonNode item = ctx().workspaceApi().patch("/api/v1/inbox/" + Api.segment(this.id), body);
			out().done("Resolved: " + this.id, item);
		}

	}

}
