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
import crewship.cli.crews.CrewCommand;
import tools.jackson.databind.JsonNode;

/** Projects of the issue tracker ({@code /api/v1/projects}). */
@Command(name = "project", description = "List, show and create projects.",
		subcommands = { ProjectCommand.ListProjects.class, ProjectCommand.Show.class, ProjectCommand.Create.class })
public class ProjectCommand extends GroupCommand {

	static final List<Column> FIELDS = List.of(Column.of("Name", "name"), Column.of("ID", "id"),
			Column.of("Status", "status"), Column.of("Priority", "priority"), Column.of("Lead", "lead_name"),
			Column.of("Issues", "issue_count"), Column.of("Done", "done_count"), Column.of("Health", "health"),
			Column.of("Description", "description"), Column.of("Created", "created_at"));

	@Command(name = "list", description = "List projects.")
	static class ListProjects extends CliCommand {

		@Option(names = "--status", description = "Only this status.")
		String status;

		@Override
		protected void run() {
			out().list(ctx().workspaceApi().get(Api.path("/api/v1/projects", "status", this.status)),
					List.of(Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("STATUS", "status"),
							Column.of("ISSUES", "issue_count"), Column.of("DONE", "done_count"),
							Column.of("LEAD", "lead_name")));
		}

	}

	@Command(name = "show", aliases = "get", description = "Show a project.")
	static class Show extends CliCommand {

		@Parameters(index = "0", paramLabel = "NAME|ID")
		String ref;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			for (JsonNode project : api.get("/api/v1/projects")) {
				if (this.ref.equals(Output.text(project, "id")) || this.ref.equals(Output.text(project, "name"))) {
					out().record(api.get("/api/v1/projects/" + Api.segment(project.get("id").asString())), FIELDS);
					return;
				}
			}
			throw Failure.notFound("project '" + this.ref + "' not found");
		}

	}

	@Command(name = "create", description = "Create a project.")
	static class Create extends CliCommand {

		@Parameters(index = "0", paramLabel = "NAME")
		String name;

		@Option(names = "--description", description = "Description.")
		String description;

		@Option(names = "--color", description = "Hex color.")
		String color;

		@Option(names = "--status", description = "Initial status.")
		String status;

		@Option(names = "--priority", description = "Priority.")
		String priority;

		@Override
		protected void run() {
			var body = Api.object().put("name", this.name);
			CrewCommand.putIfSet(body, "description", this.description);
			CrewCommand.putIfSet(body, "color", this.color);
			CrewCommand.putIfSet(body, "status", this.status);
			CrewCommand.putIfSet(body, "priority", this.priority);
			JsonNode created = ctx().workspaceApi().post("/api/v1/projects", body);
			out().done(
					"Project created: " + created.path("name").asString() + " (" + created.path("id").asString() + ")",
					created);
		}

	}

}
