package crewship.cli.auth;

import java.util.List;

import picocli.CommandLine.Command;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Config;
import crewship.cli.Output.Column;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Who the token belongs to, which server answered, and the selected workspace. */
@Command(name = "whoami", description = "Show the signed-in user, server, workspace and role.")
public class WhoamiCommand extends CliCommand {

	@Override
	protected void run() {
		Api api = ctx().api();
		JsonNode token = api.get("/api/v1/auth/cli-token/validate");
		JsonNode workspaces = api.get("/api/v1/workspaces");
		String selected = ctx().config().get(Config.WORKSPACE);
		ObjectNode me = Api.object()
			.put("email", token.path("user_email").asString(""))
			.put("user_id", token.path("user_id").asString(""))
			.put("server", api.server());
		me.put("workspaces", workspaces.size());
		JsonNode current = null;
		for (JsonNode workspace : workspaces) {
			if (workspace.path("id").asString("").equals(selected) || workspaces.size() == 1) {
				current = workspace;
			}
		}
		if (current != null) {
			me.put("workspace", current.path("name").asString() + " (" + current.path("slug").asString() + ")");
			me.put("workspace_id", current.path("id").asString());
			me.put("role", current.path("currentUserRole").asString(""));
		}
		else {
			me.put("workspace", workspaces.size() + " available (none selected, use 'crewship workspace use <slug>')");
		}
		out().record(me, List.of(Column.of("User", "email"), Column.of("Server", "server"),
				Column.of("Workspace", "workspace"), Column.of("Role", "role")));
	}

}
