package crewship.cli.agents;

import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.Output.Column;
import crewship.cli.Refs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hires an ephemeral agent from a built-in template into a crew, under the crew's
 * autonomy policy: live at once ({@code trusted}, {@code full}), held for approval
 * ({@code guided}: {@code hire approve}), refused ({@code strict}: exit 4).
 */
@Command(name = "hire", description = "Hire an ephemeral agent from a template into a crew.",
		subcommands = HireCommand.Approve.class)
public class HireCommand extends CliCommand {

	static final List<Column> FIELDS = List.of(Column.of("Agent", "slug"), Column.of("ID", "id"),
			Column.of("Status", "status"), Column.of("Decision", "decision"), Column.of("Expires", "expires_at"),
			Column.of("Reason", "hire_reason"));

	// required, but checked in run(): picocli would demand them of 'hire approve' too
	@Option(names = "--crew", paramLabel = "SLUG|ID", description = "Crew to hire into (required).")
	String crew;

	@Option(names = "--template", description = "Built-in agent template, e.g. backend-dev (required).")
	String template;

	@Option(names = "--reason", description = "Why: kept in the agent's hire history (required).")
	String reason;

	@Option(names = "--ttl", paramLabel = "MINUTES",
			description = "Time to live in minutes (server clamps to 30-1440).")
	Integer ttl;

	@Option(names = "--model", description = "Override the template's LLM model.")
	String model;

	@Option(names = "--parent-lead", paramLabel = "AGENT", description = "The LEAD that asked for this hire.")
	String parentLead;

	@Option(names = { "-y", "--yes" }, description = "Accepted for scripts; a hire asks nothing.")
	boolean yes;

	@Override
	protected void run() {
		java.util.List<String> missing = new java.util.ArrayList<>();
		if (this.crew == null) {
			missing.add("--crew");
		}
		if (this.template == null) {
			missing.add("--template");
		}
		if (this.reason == null) {
			missing.add("--reason");
		}
		if (!missing.isEmpty()) {
			throw Failure.validation("Missing required options: " + String.join(", ", missing));
		}
		Api api = ctx().workspaceApi();
		ObjectNode body = Api.object()
			.put("crew_id", Refs.crewId(api, this.crew))
			.put("template_slug", this.template)
			.put("reason", this.reason);
		if (this.ttl != null) {
			body.put("ttl_minutes", this.ttl);
		}
		if (this.model != null) {
			body.put("model", this.model);
		}
		if (this.parentLead != null) {
			body.put("parent_lead_id", Refs.agentId(api, this.parentLead));
		}
		JsonNode hired = api.post("/api/v1/agents/hire", body);
		if (hired.path("pending_review").asBoolean(false)) {
			out().note("The crew's policy holds this hire for approval: 'crewship hire approve "
					+ hired.path("slug").asString() + "'");
		}
		out().record(hired, FIELDS);
	}

	@Command(name = "approve", description = "Approve a hire a guided crew holds for review.")
	static class Approve extends CliCommand {

		@Parameters(index = "0", paramLabel = "SLUG|ID")
		String ref;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			String id = Refs.agentId(api, this.ref);
			JsonNode approved = api.post("/api/v1/agents/" + Api.segment(id) + "/approve-hire", Api.object());
			out().done("Hire approved: " + this.ref + " is " + approved.path("status").asString(), approved);
		}

	}

}
