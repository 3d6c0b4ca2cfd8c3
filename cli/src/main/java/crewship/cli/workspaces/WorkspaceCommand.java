package crewship.cli.workspaces;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Config;
import crewship.cli.Failure;
import crewship.cli.GroupCommand;
import crewship.cli.Output;
import crewship.cli.Output.Column;
import crewship.cli.Slugs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The caller's workspaces, and which one later commands act in. */
@Command(name = "workspace", description = "List, select, show and create workspaces.",
		subcommands = { WorkspaceCommand.ListWorkspaces.class, WorkspaceCommand.Use.class, WorkspaceCommand.Get.class,
				WorkspaceCommand.Create.class })
public class WorkspaceCommand extends GroupCommand {

	static final List<Column> COLUMNS = List.of(Column.of("ID", "id"), Column.of("SLUG", "slug"),
			Column.of("NAME", "name"), Column.of("ROLE", "currentUserRole"));

	static final List<Column> FIELDS = List.of(Column.of("Name", "name"), Column.of("Slug", "slug"),
			Column.of("ID", "id"), Column.of("Role", "currentUserRole"), Column.of("Language", "preferred_language"),
			Column.of("Members", "_count_members"), Column.of("Created", "created_at"));

	/** One of the caller's workspaces by id or slug; exit 3 when none matches. */
	static JsonNode find(Api api, String ref) {
		for (JsonNode workspace : api.get("/api/v1/workspaces")) {
			if (ref.equals(Output.text(workspace, "id")) || ref.equals(Output.text(workspace, "slug"))) {
				return workspace;
			}
		}
		throw Failure.notFound("workspace '" + ref + "' not found among yours");
	}

	@Command(name = "list", description = "List your workspaces (* marks the selected one).")
	static class ListWorkspaces extends CliCommand {

		@Override
		protected void run() {
			String selected = ctx().config().get(Config.WORKSPACE);
			JsonNode workspaces = ctx().api().get("/api/v1/workspaces");
			List<Column> columns = new java.util.ArrayList<>();
			columns.add(new Column("", node -> Output.text(node, "id").equals(selected) ? "*" : " "));
			columns.addAll(COLUMNS);
			out().list(workspaces, columns);
		}

	}

	@Command(name = "use", description = "Select the workspace later commands act in.")
	static class Use extends CliCommand {

		@Parameters(index = "0", paramLabel = "ID|SLUG")
		String ref;

		@Override
		protected void run() {
			JsonNode workspace = find(ctx().api(), this.ref);
			ctx().config()
				.set(Config.WORKSPACE, workspace.get("id").asString())
				.set(Config.WORKSPACE_SLUG, workspace.path("slug").asString(null))
				.save();
			out().done("Now using workspace " + workspace.path("name").asString() + " ("
					+ workspace.path("slug").asString() + ")", workspace);
		}

	}

	@Command(name = "get", description = "Show a workspace (default: the selected one).")
	static class Get extends CliCommand {

		@Parameters(index = "0", arity = "0..1", paramLabel = "ID|SLUG")
		String ref;

		@Override
		protected void run() {
			Api api = ctx().api();
			String id = (this.ref != null) ? find(api, this.ref).get("id").asString() : ctx().workspaceId();
			out().record(api.get("/api/v1/workspaces/" + Api.segment(id)), FIELDS);
		}

	}

	@Command(name = "create", description = "Create a workspace (you become its OWNER).")
	static class Create extends CliCommand {

		@Option(names = "--name", required = true, description = "Display name.")
		String name;

		@Option(names = "--slug", description = "URL slug (derived from the name when omitted).")
		String slug;

		@Option(names = "--language", paramLabel = "CODE", description = "Preferred reply language of agents.")
		String language;

		@Override
		protected void run() {
			ObjectNode body = Api.object()
				.put("name", this.name)
				.put("slug", (this.slug != null) ? this.slug : Slugs.of(this.name));
			if (this.language != null) {
				body.put("preferred_language", this.language);
			}
			JsonNode created = ctx().api().post("/api/v1/workspaces", body);
			out().done("Workspace created: " + created.path("name").asString() + " (" + created.path("slug").asString()
					+ ")", created);
		}

	}

}
