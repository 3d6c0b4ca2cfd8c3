package crewship.cli.credentials;

import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.GroupCommand;
import crewship.cli.Output.Column;
import crewship.cli.Prompts;
import crewship.cli.Refs;
import crewship.cli.crews.CrewCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Credentials in the vault. A value is read from stdin ({@code --value-stdin}) or typed
 * at a prompt that does not echo, never taken as an argument (which {@code ps} and shell
 * history would keep); the server never answers with it and the CLI never prints it.
 */
@Command(name = "credential", description = "Add, list, test and delete credentials (values never echoed).",
		subcommands = { CredentialCommand.Add.class, CredentialCommand.ListCredentials.class,
				CredentialCommand.Test.class, CredentialCommand.Delete.class })
public class CredentialCommand extends GroupCommand {

	static final List<Column> COLUMNS = List.of(Column.of("ID", "id"), Column.of("NAME", "name"),
			Column.of("TYPE", "type"), Column.of("PROVIDER", "provider"), Column.of("SCOPE", "scope"),
			Column.of("STATUS", "status"), Column.of("UPDATED", "updated_at"));

	@Command(name = "add", aliases = "create", description = "Store a credential; its value from stdin or a prompt.")
	static class Add extends CliCommand {

		@Option(names = "--name", required = true, description = "Credential name.")
		String name;

		@Option(names = "--type", defaultValue = "API_KEY",
				description = "SECRET, API_KEY, AI_CLI_TOKEN, CLI_TOKEN or ENDPOINT_URL (default ${DEFAULT-VALUE}).")
		String type;

		@Option(names = "--provider", description = "Provider, e.g. ANTHROPIC, OPENAI, GITHUB.")
		String provider;

		@Option(names = "--value-stdin", description = "Read the value from stdin (else it is asked for, unechoed).")
		boolean valueStdin;

		@Option(names = "--env-var-name", description = "Environment variable an agent reads it from.")
		String envVarName;

		@Option(names = "--description", description = "Description.")
		String description;

		@Option(names = "--crews", split = ",", paramLabel = "SLUG|ID",
				description = "Only these crews may use it (comma-separated).")
		List<String> crews;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			char[] value = Prompts.secret("Value", this.valueStdin, ctx().in(), "--value-stdin");
			ObjectNode body = Api.object().put("name", this.name).put("type", this.type);
			CrewCommand.putIfSet(body, "provider", this.provider);
			CrewCommand.putIfSet(body, "env_var_name", this.envVarName);
			CrewCommand.putIfSet(body, "description", this.description);
			if (this.crews != null && !this.crews.isEmpty()) {
				this.crews.forEach(crew -> body.withArray("crew_ids").add(Refs.crewId(api, crew)));
				body.put("scope", "CREW");
			}
			body.put("value", new String(value));
			Arrays.fill(value, '\0');
			JsonNode created = api.post("/api/v1/credentials", body);
			out().done("Credential stored: " + created.path("name").asString() + " (" + created.path("id").asString()
					+ ")", created);
		}

	}

	@Command(name = "list", description = "List credentials (never their values).")
	static class ListCredentials extends CliCommand {

		@Option(names = "--limit", defaultValue = "100", description = "At most this many (1-100).")
		int limit;

		@Override
		protected void run() {
			out().list(ctx().workspaceApi().get(Api.path("/api/v1/credentials", "limit", this.limit)), COLUMNS);
		}

	}

	@Command(name = "test",
			description = "Test a stored credential against its provider, or with --provider a value from stdin.")
	static class Test extends CliCommand {

		@Parameters(index = "0", arity = "0..1", paramLabel = "NAME|ID", description = "The stored credential.")
		String ref;

		@Option(names = "--provider", description = "Test a value instead: its provider.")
		String provider;

		@Option(names = "--type", description = "With --provider: the value's type.")
		String type;

		@Option(names = "--value-stdin", description = "With --provider: read the value from stdin.")
		boolean valueStdin;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode result;
			String what;
			if (this.ref != null) {
				JsonNode credential = Refs.credential(api, this.ref);
				what = credential.path("name").asString();
				result = api.post("/api/v1/credentials/" + Api.segment(credential.get("id").asString()) + "/test",
						Api.object());
			}
			else if (this.provider != null) {
				char[] value = Prompts.secret("Value", this.valueStdin, ctx().in(), "--value-stdin");
				ObjectNode body = Api.object().put("provider", this.provider);
				CrewCommand.putIfSet(body, "type", this.type);
				body.put("value", new String(value));
				Arrays.fill(value, '\0');
				what = "the value";
				result = api.post("/api/v1/credentials/test", body);
			}
			else {
				throw Failure.validation("name a stored credential, or pass --provider to test a value");
			}
			boolean valid = result.path("valid").asBoolean(false);
			String human = !result.path("supported").asBoolean(true)
					? "No live check for " + what + ": " + result.path("error").asString("")
					: valid ? what + " is valid" : what + " was refused: " + result.path("error").asString("");
			if (!valid) {
				out().note(human);
				if (out().format().machine()) {
					out().machine(result);
				}
				throw new Failure(Failure.GENERAL, what + " is not valid", null, result.path("error").asString(null),
						null);
			}
			out().done(human, result);
		}

	}

	@Command(name = "delete", description = "Delete a credential.")
	static class Delete extends CliCommand {

		@Parameters(index = "0", paramLabel = "NAME|ID")
		String ref;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode credential = Refs.credential(api, this.ref);
			Prompts.confirm("Delete credential " + credential.path("name").asString() + "?", this.yes);
			JsonNode answer = api.delete("/api/v1/credentials/" + Api.segment(credential.get("id").asString()));
			out().done("Credential deleted: " + credential.path("name").asString(),
					answer.isMissingNode() ? Api.object().put("id", credential.get("id").asString()) : answer);
		}

	}

}
