package crewship.cli.missions;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Missions: multi-step plans a crew's LEAD runs ({@code /api/v1/crews/{crew}/missions},
 * {@code /api/v1/missions}).
 */
@Command(name = "mission", description = "Create, start, list and show missions.",
		subcommands = { MissionCommand.ListMissions.class, MissionCommand.Show.class, MissionCommand.Create.class,
				MissionCommand.Start.class })
public class MissionCommand extends GroupCommand {

	static final List<Column> COLUMNS = List.of(Column.of("ID", "id"), Column.of("TITLE", "title"),
			Column.of("STATUS", "status"), Column.of("LEAD", "lead_agent_slug"),
			new Column("TASKS", MissionCommand::tasks), Column.of("CREATED", "created_at"));

	static final List<Column> FIELDS = List.of(Column.of("Title", "title"), Column.of("ID", "id"),
			Column.of("Status", "status"), Column.of("Crew", "crew_id"), Column.of("Lead", "lead_agent_slug"),
			Column.of("Description", "description"), Column.of("Created", "created_at"),
			Column.of("Completed", "completed_at"));

	static String tasks(JsonNode mission) {
		JsonNode tasks = mission.path("tasks");
		if (!tasks.isArray()) {
			return Output.text(mission, "task_count");
		}
		long done = 0;
		for (JsonNode task : tasks) {
			if ("COMPLETED".equals(task.path("status").asString())) {
				done++;
			}
		}
		return done + "/" + tasks.size();
	}

	/** A mission by id or id prefix (8+ characters), with its crew. */
	static JsonNode find(Api api, String ref) {
		JsonNode match = null;
		for (JsonNode mission : api.get(Api.path("/api/v1/missions", "limit", 100))) {
			String id = mission.path("id").asString("");
			if (id.equals(ref)) {
				return mission;
			}
			if (ref.length() >= 8 && id.startsWith(ref)) {
				if (match != null) {
					throw Failure.validation("mission prefix '" + ref + "' is ambiguous");
				}
				match = mission;
			}
		}
		if (match == null) {
			throw Failure.notFound("mission '" + ref + "' not found");
		}
		return match;
	}

	static String missionPath(JsonNode mission) {
		return "/api/v1/crews/" + Api.segment(mission.path("crew_id").asString()) + "/missions/"
				+ Api.segment(mission.path("id").asString());
	}

	@Command(name = "list", description = "List missions, optionally of one crew.")
	static class ListMissions extends CliCommand {

		@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Only this crew's missions.")
		String crew;

		@Option(names = "--status", description = "Only missions in this status, e.g. IN_PROGRESS.")
		String status;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String path = (this.crew != null)
					? Api.path("/api/v1/crews/" + Api.segment(Refs.crewId(api, this.crew)) + "/missions", "status",
							this.status, "limit", 100)
					: Api.path("/api/v1/missions", "status", this.status, "include_tasks", "true", "limit", 100);
			out().list(api.get(path), COLUMNS);
		}

	}

	@Command(name = "show", aliases = "get", description = "Show a mission and its tasks.")
	static class Show extends CliCommand {

		@Parameters(index = "0", paramLabel = "ID", description = "Mission id or an 8+ character prefix.")
		String ref;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode summary = find(api, this.ref);
			JsonNode mission = api.get(missionPath(summary));
			ObjectNode shown = (ObjectNode) mission.deepCopy();
			if (!shown.has("crew_id")) {
				shown.put("crew_id", summary.path("crew_id").asString());
			}
			if (!shown.has("lead_agent_slug") && summary.has("lead_agent_slug")) {
				shown.set("lead_agent_slug", summary.get("lead_agent_slug"));
			}
			out().record(shown, FIELDS);
			if (out().format() == Output.Format.TABLE && mission.path("tasks").size() > 0) {
				out().out().println();
				out().list(mission.get("tasks"),
						List.of(Column.of("#", "task_order"), Column.of("TASK ID", "id"), Column.of("TITLE", "title"),
								Column.of("STATUS", "status"), Column.of("AGENT", "assigned_agent_id")));
			}
		}

	}

	@Command(name = "create", description = "Create a mission in a crew (led by its LEAD).")
	static class Create extends CliCommand {

		@Option(names = "--title", required = true, description = "Mission title.")
		String title;

		@Option(names = "--description", description = "Mission description.")
		String description;

		@Option(names = "--crew", required = true, paramLabel = "SLUG|ID", description = "The crew.")
		String crew;

		@Option(names = "--lead", paramLabel = "AGENT", description = "Lead agent (default: the crew's LEAD).")
		String lead;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String crewId = Refs.crewId(api, this.crew);
			String leadId = (this.lead != null) ? Refs.agentId(api, this.lead) : lead(api, crewId);
			ObjectNode body = Api.object().put("title", this.title).put("lead_agent_id", leadId);
			if (this.description != null) {
				body.put("description", this.description);
			}
			JsonNode created = api.post("/api/v1/crews/" + Api.segment(crewId) + "/missions", body);
			out().done(
					"Mission created: " + created.path("title").asString() + " (" + created.path("id").asString() + ")",
					created);
		}

		private static String lead(Api api, String crewId) {
			for (JsonNode agent : api.get(Api.path("/api/v1/agents", "crew_id", crewId, "limit", 100))) {
				if ("LEAD".equals(agent.path("agent_role").asString())) {
					return agent.get("id").asString();
				}
			}
			throw Failure.validation("the crew has no LEAD agent: pass --lead");
		}

	}

	@Command(name = "start", description = "Start a PLANNING mission.")
	static class Start extends CliCommand {

		@Parameters(index = "0", paramLabel = "ID", description = "Mission id or an 8+ character prefix.")
		String ref;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode mission = find(api, this.ref);
			JsonNode started = api.post(missionPath(mission) + "/start", Api.object());
			out().done("Mission started: " + mission.path("id").asString(), started);
		}

	}

}
