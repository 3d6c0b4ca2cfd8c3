package crewship.cli.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Config;
import crewship.cli.Failure;
import crewship.cli.Prompts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Signs in and stores a CLI token (never the password) in the config file, bound to the
 * server it was issued for. Email and password are exchanged for a session the way the
 * web UI signs in, the session mints a CLI token, and the session is signed out again:
 * the CLI keeps only the token.
 */
@Command(name = "login", description = "Sign in and store a CLI token (0600) bound to this server.")
public class LoginCommand extends CliCommand {

	@Option(names = "--email", paramLabel = "EMAIL", description = "Account email (prompted for when omitted).")
	String email;

	@Option(names = "--password-stdin",
			description = "Read the password from stdin instead of prompting (for scripts: never an argument).")
	boolean passwordStdin;

	@Option(names = "--token", paramLabel = "TOKEN",
			description = "Store an existing CLI token instead (validated first).")
	String token;

	@Override
	protected void run() {
		// before a token is minted that could not be stored
		ctx().config().requireWritable();
		Api anonymous = ctx().anonymous();
		String envPassword = ctx().env("CREWSHIP_PASSWORD");
		if (this.passwordStdin && envPassword != null) {
			throw Failure.validation("--password-stdin and CREWSHIP_PASSWORD are mutually exclusive");
		}
		String tokenValue;
		String tokenId;
		String userEmail;
		if (this.token != null) {
			JsonNode valid = new Api(anonymous.server(), this.token, null, null).get("/api/v1/auth/cli-token/validate");
			tokenValue = this.token;
			tokenId = valid.path("token_id").asString(null);
			userEmail = valid.path("user_email").asString(null);
		}
		else {
			userEmail = (this.email != null) ? this.email : Prompts.line("Email", "--email");
			char[] password = (envPassword != null) ? envPassword.toCharArray()
					: Prompts.secret("Password", this.passwordStdin, ctx().in(), "--password-stdin");
			JsonNode minted = mint(anonymous, userEmail, new String(password));
			java.util.Arrays.fill(password, '\0');
			tokenValue = minted.get("token").asString();
			tokenId = minted.get("id").asString();
		}
		Config config = ctx().config();
		boolean sameServer = anonymous.server().equals(config.get(Config.SERVER));
		config.set(Config.SERVER, anonymous.server())
			.set(Config.TOKEN, tokenValue)
			.set(Config.TOKEN_ID, tokenId)
			.set(Config.EMAIL, userEmail);
		if (!sameServer) {
			// a workspace id means nothing on another server
			config.set(Config.WORKSPACE, null).set(Config.WORKSPACE_SLUG, null);
		}
		config.save();
		ObjectNode answer = Api.object().put("server", anonymous.server()).put("email", userEmail);
		answer.put("token_id", tokenId);
		out().done("Logged in as " + userEmail + ". Token saved to " + config.file(), answer);
	}

	/** Signs in, mints a CLI token with the session, signs the session out. */
	private JsonNode mint(Api anonymous, String email, String password) {
		Api.Answer signIn = anonymous.send("POST", "/api/auth/callback/credentials",
				Api.object().put("email", email).put("password", password), Map.of());
		Api.checked(signIn);
		String cookies = cookies(signIn.headers("Set-Cookie"));
		if (cookies.isEmpty()) {
			throw Failure.general("the server signed in but set no session cookie");
		}
		// cookie-authenticated changes must come from the server's own origin
		Map<String, String> session = Map.of("Cookie", cookies, "Origin", anonymous.server());
		try {
			return Api
				.checked(anonymous.send("POST", "/api/v1/auth/cli-token",
						Api.object().put("name", "crewship CLI on " + hostname()), session))
				.json();
		}
		finally {
			anonymous.send("POST", "/api/auth/signout", Api.object(), session);
		}
	}

	private static String cookies(List<String> setCookies) {
		List<String> pairs = new ArrayList<>();
		for (String setCookie : setCookies) {
			String pair = setCookie.split(";", 2)[0].trim();
			if (pair.contains("=") && !pair.endsWith("=")) {
				pairs.add(pair);
			}
		}
		return String.join("; ", pairs);
	}

	private static String hostname() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "this machine";
		}
	}

}
