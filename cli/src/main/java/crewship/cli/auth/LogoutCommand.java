package crewship.cli.auth;

import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Config;
import crewship.cli.Failure;

/**
 * Revokes the stored token on the server it was issued for, then forgets it. A token the
 * server no longer knows is forgotten too; when the server cannot be reached the token is
 * kept (it is still live), unless {@code --local} says to forget it anyway.
 */
@Command(name = "logout", description = "Revoke the stored CLI token on its server and forget it.")
public class LogoutCommand extends CliCommand {

	@Option(names = "--local", description = "Only forget the token here; do not revoke it on the server.")
	boolean local;

	@Override
	protected void run() {
		Config config = ctx().config();
		String token = config.get(Config.TOKEN);
		if (token == null) {
			out().done("Not logged in.", Api.object().put("revoked", false));
			return;
		}
		boolean revoked = false;
		String tokenId = config.get(Config.TOKEN_ID);
		if (!this.local && tokenId != null) {
			// the token's own server, whatever --server says: nothing else may see it
			Api owner = new Api(config.get(Config.SERVER), token, null, ctx().verbose() ? out().err() : null);
			Api.Answer answer;
			try {
				answer = owner.send("DELETE", "/api/v1/auth/cli-tokens/" + Api.segment(tokenId), null, Map.of());
			}
			catch (Failure ex) {
				throw new Failure(ex.exitCode(), ex.getMessage() + " — the token is still live and kept; "
						+ "retry, or 'crewship logout --local' to only forget it", null, null, null);
			}
			if (answer.status() != 401 && answer.status() != 404) {
				Api.checked(answer);
				revoked = true;
			}
		}
		config.set(Config.TOKEN, null).set(Config.TOKEN_ID, null).save();
		out().done(revoked ? "Logged out: the token is revoked." : "Logged out.", Api.object().put("revoked", revoked));
	}

}
