package crewship.cli.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The caller's CLI tokens ({@code /api/v1/auth/cli-tokens}); user-scoped, not per
 * workspace.
 */
@Command(name = "token", description = "List, create, revoke and validate CLI tokens.",
		subcommands = { TokenCommand.ListTokens.class, TokenCommand.CreateToken.class, TokenCommand.RevokeToken.class,
				TokenCommand.ValidateToken.class })
public class TokenCommand extends GroupCommand {

	@Command(name = "list", description = "List your CLI tokens.")
	static class ListTokens extends CliCommand {

		@Override
		protected void run() {
			JsonNode tokens = ctx().api().get("/api/v1/auth/cli-tokens").path("data");
			out().list(tokens,
					List.of(Column.of("ID", "id"), Column.of("NAME", "name"), Column.of("CREATED", "created_at"),
							Column.of("LAST USED", "last_used_at"),
							new Column("STATUS", token -> token.hasNonNull("revoked_at") ? "revoked" : "active")));
		}

	}

	@Command(name = "create", description = "Create a CLI token; its value is shown once.")
	static class CreateToken extends CliCommand {

		@Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "Name (default \"CLI token\").")
		String name;

		@Option(names = "--output-file", paramLabel = "PATH",
				description = "Write the bare token to this file (mode 0600) instead of printing it.")
		Path outputFile;

		@Option(names = "--quiet", description = "Print only the bare token to stdout (for $(...) capture).")
		boolean bare;

		@Override
		protected void run() {
			ObjectNode body = Api.object().put("name", (this.name != null) ? this.name : "CLI token");
			JsonNode created = ctx().api().post("/api/v1/auth/cli-token", body);
			String token = created.get("token").asString();
			if (this.outputFile != null) {
				writePrivate(this.outputFile, token);
				ObjectNode shown = (ObjectNode) created.deepCopy();
				shown.remove("token");
				out().done("Token created: " + created.path("name").asString() + " (" + created.path("id").asString()
						+ "), written to " + this.outputFile, shown);
				return;
			}
			if (this.bare || out().format() == Output.Format.QUIET) {
				out().out().println(token);
				out().err().println("Store this token securely — it won't be shown again.");
				return;
			}
			if (out().format().machine()) {
				out().machine(created);
				return;
			}
			out().out().println("Token created: " + created.path("name").asString());
			out().out().println("ID:     " + created.path("id").asString());
			// the value on stderr: a naive '> file' does not silently keep the bearer
			out().err().println("Token:  " + token);
			out().err().println("Store this token securely — it won't be shown again.");
		}

	}

	@Command(name = "revoke", description = "Revoke a CLI token at once.")
	static class RevokeToken extends CliCommand {

		@Parameters(index = "0", paramLabel = "TOKEN_ID")
		String tokenId;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Prompts.confirm("Revoke token " + this.tokenId + "?", this.yes);
			JsonNode answer = ctx().api().delete("/api/v1/auth/cli-tokens/" + Api.segment(this.tokenId));
			out().done("Token revoked.", answer);
		}

	}

	@Command(name = "validate", description = "Check that the token in use is valid.")
	static class ValidateToken extends CliCommand {

		@Override
		protected void run() {
			JsonNode valid = ctx().api().get("/api/v1/auth/cli-token/validate");
			if (out().format() == Output.Format.TABLE) {
				out().out().println(out().check() + "Token is valid.");
				out().out().println("  User: " + valid.path("user_email").asString());
				return;
			}
			out().record(valid, List.of(Column.of("User", "user_email")));
		}

	}

	static void writePrivate(Path file, String value) {
		try {
			Files.deleteIfExists(file);
			if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Files.createFile(file,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			Files.writeString(file, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
					StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
		}
		catch (IOException ex) {
			throw Failure.general("could not write " + file + ": " + ex.getMessage());
		}
	}

}
