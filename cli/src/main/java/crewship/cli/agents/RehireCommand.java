package crewship.cli.agents;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Prompts;
import crewship.cli.Refs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Extends a live ephemeral agent's TTL, or brings a ghost back. */
@Command(name = "rehire", description = "Extend or resurrect an ephemeral agent.")
public class RehireCommand extends CliCommand {

	@Parameters(index = "0", paramLabel = "SLUG|ID")
	String ref;

	@Option(names = "--reason", required = true, description = "Why: appended to the agent's hire history.")
	String reason;

	@Option(names = "--ttl", paramLabel = "MINUTES", description = "New time to live in minutes.")
	Integer ttl;

	@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
	boolean yes;

	@Override
	protected void run() {
		Api api = ctx().workspaceApi();
		JsonNode agent = Refs.agent(api, this.ref);
		Prompts.confirm("Rehire " + agent.path("slug").asString() + "?", this.yes);
		ObjectNode body = Api.object().put("reason", this.reason);
		if (this.ttl != null) {
			body.put("ttl_minutes", this.ttl);
		}
		JsonNode rehired = api.post("/api/v1/agents/" + Api.segment(agent.get("id").asString()) + "/rehire", body);
		out().record(rehired, HireCommand.FIELDS);
	}

}
