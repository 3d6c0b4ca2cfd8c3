package crewship.cli.crews;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.GroupCommand;
import crewship.cli.Output.Column;
import crewship.cli.Prompts;
import crewship.cli.Refs;
import crewship.cli.Slugs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Crews of the selected workspace ({@code /api/v1/crews}). */
@Command(name = "crew", description = "List, show, create and delete crews.", subcommands = {
		CrewCommand.ListCrews.class, CrewCommand.Get.class, CrewCommand.Create.class, CrewCommand.Delete.class })
public class CrewCommand extends GroupCommand {

	static final List<Column> FIELDS = List.of(Column.of("Name", "name"), Column.of("Slug", "slug"),
			Column.of("ID", "id"), Column.of("Description", "description"), Column.of("Agents", "_count.agents"),
			Column.of("Members", "_count.members"), Column.of("Memory MB", "container_memory_mb"),
			Column.of("CPUs", "container_cpus"), Column.of("Network", "network_mode"),
			Column.of("Autonomy", "autonomy_level"), Column.of("Created", "created_at"));

	@Command(name = "list", description = "List the workspace's crews.")
	static class ListCrews extends CliCommand {

		@Option(names = "--limit", defaultValue = "50", description = "At most this many (1-100).")
		int limit;

		@Override
		protected void run() {
			JsonNode crews = ctx().workspaceApi().get(Api.path("/api/v1/crews", "limit", this.limit));
			out().list(crews,
					List.of(Column.of("ID", "id"), Column.of("SLUG", "slug"), Column.of("NAME", "name"),
							Column.of("AGENTS", "_count.agents"), Column.of("MEMBERS", "_count.members"),
							Column.of("CREATED", "created_at")));
		}

	}

	@Command(name = "get", description = "Show a crew.")
	static class Get extends CliCommand {

		@Parameters(index = "0", paramLabel = "SLUG|ID")
		String ref;

		@Override
		protected void run() {
			out().record(Refs.crew(ctx().workspaceApi(), this.ref), FIELDS);
		}

	}

	@Command(name = "create", description = "Create a crew.")
	static class Create extends CliCommand {

		@Option(names = "--name", required = true, description = "Crew name.")
		String name;

		@Option(names = "--slug", description = "Crew slug (derived from the name when omitted).")
		String slug;

		@Option(names = "--description", description = "Description.")
		String description;

		@Option(names = "--color", description = "Hex color, e.g. #3B82F6.")
		String color;

		@Option(names = "--icon", description = "Lucide icon name, e.g. rocket.")
		String icon;

		@Option(names = "--memory-mb", description = "Container memory limit in MB (server default 4096).")
		Integer memoryMb;

		@Option(names = "--cpus", description = "Container CPU limit (server default 2.0).")
		Double cpus;

		@Option(names = "--network-mode", description = "free or restricted.")
		String networkMode;

		@Override
		protected void run() {
			ObjectNode body = Api.object()
				.put("name", this.name)
				.put("slug", (this.slug != null) ? this.slug : Slugs.of(this.name));
			putIfSet(body, "description", this.description);
			putIfSet(body, "color", this.color);
			putIfSet(body, "icon", this.icon);
			putIfSet(body, "network_mode", this.networkMode);
			if (this.memoryMb != null) {
				body.put("container_memory_mb", this.memoryMb);
			}
			if (this.cpus != null) {
				body.put("container_cpus", this.cpus);
			}
			JsonNode created = ctx().workspaceApi().post("/api/v1/crews", body);
			out().done("Crew created: " + created.path("name").asString() + " (" + created.path("slug").asString()
					+ ", " + created.path("id").asString() + ")", created);
			created.path("warnings").forEach(warning -> out().note("Warning: " + warning.asString()));
		}

	}

	@Command(name = "delete", description = "Delete a crew and its agents.")
	static class Delete extends CliCommand {

		@Parameters(index = "0", paramLabel = "SLUG|ID")
		String ref;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode crew = Refs.crew(api, this.ref);
			Prompts.confirm("Delete crew " + crew.path("slug").asString() + " and its agents?", this.yes);
			JsonNode answer = api.delete("/api/v1/crews/" + Api.segment(crew.get("id").asString()));
			out().done("Crew deleted: " + crew.path("slug").asString(),
					answer.isMissingNode() ? Api.object().put("id", crew.get("id").asString()) : answer);
		}

	}

	public static void putIfSet(ObjectNode body, String field, String value) {
		if (value != null) {
			body.put(field, value);
		}
	}

}
