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
import crewship.cli.Prompts;
import crewship.cli.crews.CrewCommand;
import tools.jackson.databind.JsonNode;

/** Issue labels of the workspace ({@code /api/v1/labels}). */
@Command(name = "label", description = "List, create and delete issue labels.",
		subcommands = { LabelCommand.ListLabels.class, LabelCommand.Create.class, LabelCommand.Delete.class })
public class LabelCommand extends GroupCommand {

	@Command(name = "list", description = "List labels.")
	static class ListLabels extends CliCommand {

		@Override
		protected void run() {
			out().list(ctx().workspaceApi().get("/api/v1/labels"), List.of(Column.of("ID", "id"),
					Column.of("NAME", "name"), Column.of("COLOR", "color"), Column.of("GROUP", "label_group")));
		}

	}

	@Command(name = "create", description = "Create a label.")
	static class Create extends CliCommand {

		@Parameters(index = "0", paramLabel = "NAME")
		String name;

		@Option(names = "--color", defaultValue = "#6B7280", description = "Hex color (default ${DEFAULT-VALUE}).")
		String color;

		@Option(names = "--group", description = "Label group.")
		String group;

		@Override
		protected void run() {
			var body = Api.object().put("name", this.name).put("color", this.color);
			CrewCommand.putIfSet(body, "label_group", this.group);
			JsonNode created = ctx().workspaceApi().post("/api/v1/labels", body);
			out().done("Label created: " + created.path("name").asString(), created);
		}

	}

	@Command(name = "delete", description = "Delete a label.")
	static class Delete extends CliCommand {

		@Parameters(index = "0", paramLabel = "NAME|ID")
		String ref;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String id = null;
			for (JsonNode label : api.get("/api/v1/labels")) {
				if (this.ref.equals(Output.text(label, "id")) || this.ref.equals(Output.text(label, "name"))) {
					id = label.get("id").asString();
				}
			}
			if (id == null) {
				throw Failure.notFound("label '" + this.ref + "' not found");
			}
			Prompts.confirm("Delete label " + this.ref + "?", this.yes);
			JsonNode answer = api.delete("/api/v1/labels/" + Api.segment(id));
			out().done("Label deleted: " + this.ref, answer.isMissingNode() ? Api.object().put("id", id) : answer);
		}

	}

}
