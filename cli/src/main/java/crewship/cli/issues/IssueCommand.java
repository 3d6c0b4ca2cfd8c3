package crewship.cli.issues;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.GroupCommand;
import crewship.cli.Output;
import crewship.cli.Output.Column;
import crewship.cli.Refs;
import crewship.cli.crews.CrewCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The issue tracker ({@code /api/v1/issues}, {@code /api/v1/crews/{crew}/issues}). */
@Command(name = "issue", description = "Create, list, show, start and comment on issues.",
		subcommands = { IssueCommand.ListIssues.class, IssueCommand.Show.class, IssueCommand.Create.class,
				IssueCommand.Start.class, IssueCommand.Comment.class })
public class IssueCommand extends GroupCommand {

	static final List<Column> COLUMNS = List.of(Column.of("ID", "identifier"), Column.of("TITLE", "title"),
			Column.of("STATUS", "status"), Column.of("PRIORITY", "priority"), Column.of("ASSIGNEE", "assignee_name"),
			Column.of("UPDATED", "updated_at"));

	static final List<Column> FIELDS = List.of(Column.of("Issue", "identifier"), Column.of("Title", "title"),
			Column.of("Status", "status"), Column.of("Priority", "priority"), Column.of("Assignee", "assignee_name"),
			Column.of("Crew", "crew_id"), Column.of("Project", "project_id"), Column.of("Comments", "comment_count"),
			Column.of("Description", "description"), Column.of("Created", "created_at"));

	/** An issue by its identifier (ENG-42) or id; its crew comes with it. */
	static JsonNode find(Api api, String identifier) {
		return api.get("/api/v1/issues/" + Api.segment(identifier));
	}

	static String issuePath(JsonNode issue) {
		return "/api/v1/crews/" + Api.segment(issue.path("crew_id").asString()) + "/issues/"
				+ Api.segment(issue.path("identifier").asString());
	}

	@Command(name = "list", description = "List issues.")
	static class ListIssues extends CliCommand {

		@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Only this crew's issues.")
		String crew;

		@Option(names = "--status", description = "Only this status, e.g. TODO.")
		String status;

		@Option(names = "--search", description = "Title or description contains this.")
		String search;

		@Option(names = "--limit", defaultValue = "50", description = "At most this many (1-100).")
		int limit;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String crewId = (this.crew != null) ? Refs.crewId(api, this.crew) : null;
			out().list(api.get(Api.path("/api/v1/issues", "crew_id", crewId, "status", this.status, "search",
					this.search, "limit", this.limit)), COLUMNS);
		}

	}

	@Command(name = "show", aliases = "get", description = "Show an issue.")
	static class Show extends CliCommand {

		@Parameters(index = "0", paramLabel = "IDENTIFIER", description = "e.g. ENG-42")
		String identifier;

		@Override
		protected void run() {
			out().record(find(ctx().workspaceApi(), this.identifier), FIELDS);
		}

	}

	@Command(name = "create", description = "Create an issue in a crew.")
	static class Create extends CliCommand {

		@Option(names = "--crew", required = true, paramLabel = "SLUG|ID", description = "The crew.")
		String crew;

		@Option(names = "--title", required = true, description = "Title.")
		String title;

		@Option(names = "--description", description = "Description (markdown).")
		String description;

		@Option(names = "--priority", description = "none, low, medium, high or urgent.")
		String priority;

		@Option(names = "--assignee", paramLabel = "AGENT", description = "Assign to this agent (slug or id).")
		String assignee;

		@Option(names = "--labels", split = ",", paramLabel = "LABEL",
				description = "Labels by id or name (comma-separated).")
		List<String> labels;

		@Option(names = "--project-id", paramLabel = "ID", description = "Attach to a project.")
		String projectId;

		@Option(names = "--due-date", paramLabel = "DATE", description = "Due date (ISO 8601).")
		String dueDate;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String crewId = Refs.crewId(api, this.crew);
			ObjectNode body = Api.object().put("title", this.title);
			CrewCommand.putIfSet(body, "description", this.description);
			CrewCommand.putIfSet(body, "priority", this.priority);
			CrewCommand.putIfSet(body, "project_id", this.projectId);
			CrewCommand.putIfSet(body, "due_date", this.dueDate);
			if (this.assignee != null) {
				body.put("assignee_id", Refs.agentId(api, this.assignee)).put("assignee_type", "agent");
			}
			if (this.labels != null && !this.labels.isEmpty()) {
				JsonNode known = api.get("/api/v1/labels");
				for (String label : this.labels) {
					body.withArray("labels").add(labelId(known, label));
				}
			}
			JsonNode created = api.post("/api/v1/crews/" + Api.segment(crewId) + "/issues", body);
			out().done(
					"Issue created: " + created.path("identifier").asString() + " " + created.path("title").asString(),
					created);
		}

		private static String labelId(JsonNode known, String ref) {
			for (JsonNode label : known) {
				if (ref.equals(Output.text(label, "id")) || ref.equalsIgnoreCase(Output.text(label, "name"))) {
					return label.get("id").asString();
				}
			}
			throw Failure.notFound("label '" + ref + "' not found");
		}

	}

	@Command(name = "start", description = "Start work on an issue (its assignee runs it).")
	static class Start extends CliCommand {

		@Parameters(index = "0", paramLabel = "IDENTIFIER")
		String identifier;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode started = api.post(issuePath(find(api, this.identifier)) + "/start", Api.object());
			out().done("Issue " + this.identifier + " is " + started.path("status").asString(), started);
		}

	}

	@Command(name = "comment", description = "Comment on an issue.")
	static class Comment extends CliCommand {

		@Parameters(index = "0", paramLabel = "IDENTIFIER")
		String identifier;

		@Parameters(index = "1", paramLabel = "TEXT", description = "The comment (markdown).")
		String text;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode comment = api.post(issuePath(find(api, this.identifier)) + "/comments",
					Api.object().put("body", this.text));
			out().done("Commented on " + this.identifier, comment);
		}

	}

}
