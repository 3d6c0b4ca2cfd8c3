package crewship.cli.agents;

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
import crewship.cli.crews.CrewCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Agents of the selected workspace ({@code /api/v1/agents}). */
@Command(name = "agent", description = "List, show, create and delete agents.", subcommands = {
		AgentCommand.ListAgents.class, AgentCommand.Get.class, AgentCommand.Create.class, AgentCommand.Delete.class })
public class AgentCommand extends GroupCommand {

	static final List<Column> COLUMNS = List.of(Column.of("ID", "id"), Column.of("SLUG", "slug"),
			Column.of("NAME", "name"), Column.of("CREW", "crew.slug"), Column.of("ROLE", "agent_role"),
			Column.of("STATUS", "status"), Column.of("EXPIRES", "expires_at"));

	static final List<Column> FIELDS = List.of(Column.of("Name", "name"), Column.of("Slug", "slug"),
			Column.of("ID", "id"), Column.of("Crew", "crew.slug"), Column.of("Role", "agent_role"),
			Column.of("Role title", "role_title"), Column.of("Status", "status"), Column.of("Adapter", "cli_adapter"),
			Column.of("Model", "llm_model"), Column.of("Ephemeral", "ephemeral"), Column.of("Expires", "expires_at"),
			Column.of("Webhook secret", "webhook_secret_set"), Column.of("Created", "created_at"));

	@Command(name = "list", description = "List the workspace's agents.")
	static class ListAgents extends CliCommand {

		@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Only this crew's agents.")
		String crew;

		@Option(names = "--limit", defaultValue = "50", description = "At most this many (1-100).")
		int limit;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String crewId = (this.crew != null) ? Refs.crewId(api, this.crew) : null;
			out().list(api.get(Api.path("/api/v1/agents", "crew_id", crewId, "limit", this.limit)), COLUMNS);
		}

	}

	@Command(name = "get", description = "Show an agent.")
	static class Get extends CliCommand {

		@Parameters(index = "0", paramLabel = "SLUG|ID")
		String ref;

		@Override
		protected void run() {
			out().record(Refs.agent(ctx().workspaceApi(), this.ref), FIELDS);
		}

	}

	@Command(name = "create", description = "Create an agent.")
	static class Create extends CliCommand {

		@Option(names = "--name", required = true, description = "Agent name.")
		String name;

		@Option(names = "--slug", description = "Agent slug (derived from the name when omitted).")
		String slug;

		@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Crew (required for a LEAD).")
		String crew;

		@Option(names = "--role", defaultValue = "AGENT", description = "AGENT or LEAD.")
		String role;

		@Option(names = "--role-title", description = "Human-readable role title.")
		String roleTitle;

		@Option(names = "--cli-adapter",
				description = "CLAUDE_CODE, CODEX_CLI, GEMINI_CLI, OPENCODE, CURSOR_CLI, FACTORY_DROID.")
		String cliAdapter;

		@Option(names = "--llm-provider", description = "ANTHROPIC, OPENAI or GOOGLE.")
		String llmProvider;

		@Option(names = "--llm-model", description = "Model, e.g. claude-haiku-4-5.")
		String llmModel;

		@Option(names = "--system-prompt", description = "System prompt text.")
		String systemPrompt;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			ObjectNode body = Api.object()
				.put("name", this.name)
				.put("slug", (this.slug != null) ? this.slug : Slugs.of(this.name))
				.put("agent_role", this.role);
			if (this.crew != null) {
				body.put("crew_id", Refs.crewId(api, this.crew));
			}
			CrewCommand.putIfSet(body, "role_title", this.roleTitle);
			CrewCommand.putIfSet(body, "cli_adapter", this.cliAdapter);
			CrewCommand.putIfSet(body, "llm_provider", this.llmProvider);
			CrewCommand.putIfSet(body, "llm_model", this.llmModel);
			CrewCommand.putIfSet(body, "system_prompt", this.systemPrompt);
			JsonNode created = api.post("/api/v1/agents", body);
			out().done("Agent created: " + created.path("name").asString() + " (" + created.path("slug").asString()
					+ ", " + created.path("id").asString() + ")", created);
		}

	}

	@Command(name = "delete", description = "Delete an agent.")
	static class Delete extends CliCommand {

		@Parameters(index = "0", paramLabel = "SLUG|ID")
		String ref;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode agent = Refs.agent(api, this.ref);
			Prompts.confirm("Delete agent " + agent.path("slug").asString() + "?", this.yes);
			JsonNode answer = api.delete("/api/v1/agents/" + Api.segment(agent.get("id").asString()));
			out().done("Agent deleted: " + agent.path("slug").asString(),
					answer.isMissingNode() ? Api.object().put("id", agent.get("id").asString()) : answer);
		}

	}

}
