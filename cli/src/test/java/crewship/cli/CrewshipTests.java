package crewship.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's own rules, with no server: exit codes, the error envelope, the token-host
 * binding (refused before any connection), the config file's permissions, the manifest
 * and completion generated from the command tree. Every command against the running suite
 * is exercised in system-tests (CliSystemTests).
 */
class CrewshipTests {

	@TempDir
	Path home;

	record Run(int exit, String out, String err) {

		JsonNode errJson() {
			return Api.JSON.readTree(this.err);
		}

	}

	Run run(Map<String, String> extraEnv, String stdin, String... args) {
		Map<String, String> env = new HashMap<>(extraEnv);
		env.put("HOME", this.home.toString());
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = Crewship.execute(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	Run run(String... args) {
		return run(Map.of(), "", args);
	}

	@Test
	void versionNeedsNoServerAndNoConfig() {
		Run human = run("version");
		assertThat(human.exit()).isZero();
		assertThat(human.out()).startsWith("version: ").contains("commit:").contains("java:");
		Run json = run("version", "--format", "json");
		assertThat(Api.JSON.readTree(json.out()).get("client").get("version").asString()).isNotBlank();
		assertThat(Api.JSON.readTree(json.out()).has("server")).isFalse();
		assertThat(Files.exists(this.home.resolve(".crewship/cli-config.yaml"))).isFalse();
	}

	@Test
	void notLoggedInIsAnAuthFailureWithTheEnvelopeOnStderr() {
		Run run = run("crew", "list", "-f", "json");
		assertThat(run.exit()).isEqualTo(Failure.AUTH);
		assertThat(run.out()).as("stdout stays parseable: nothing on it").isEmpty();
		assertThat(run.errJson().get("error").get("exit_code").asInt()).isEqualTo(4);
		assertThat(run.errJson().get("error").get("message").asString()).contains("not logged in");
		Run yaml = run("crew", "list", "--format=yaml");
		assertThat(yaml.err()).startsWith("---").contains("exit_code: 4");
		Run human = run("crew", "list");
		assertThat(human.err()).startsWith("Error: not logged in");
	}

	@Test
	void theStoredTokenIsNeverSentToAnotherHost() throws IOException {
		writeConfig("server: http://crewship.example:8080\ntoken: crewship_cli_secret\n");
		try (ServerSocket attacker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			attacker.setSoTimeout(300);
			String elsewhere = "http://127.0.0.1:" + attacker.getLocalPort();
			Run refused = run("crew", "list", "--server", elsewhere, "-f", "json");
			assertThat(refused.exit()).isEqualTo(Failure.AUTH);
			assertThat(refused.errJson().get("error").get("message").asString()).contains("refusing")
				.contains("crewship.example");
			assertThat(run(Map.of("CREWSHIP_SERVER", elsewhere), "", "whoami").exit()).isEqualTo(Failure.AUTH);
			try {
				attacker.accept().close();
				throw new AssertionError("the CLI connected to the other host");
			}
			catch (SocketTimeoutException expected) {
				// nothing dialled it
			}
		}
	}

	@Test
	void theBindingCanBeLiftedDeliberatelyAndTheEnvTokenIsNotBound() throws IOException {
		writeConfig("server: http://crewship.example:8080\ntoken: crewship_cli_secret\n");
		String closed = closedPort();
		assertThat(run("crew", "list", "--server", closed, "--server-allow-mismatch").exit()).as("then it dials")
			.isEqualTo(Failure.NETWORK);
		assertThat(run(Map.of("CREWSHIP_ALLOW_SERVER_MISMATCH", "1"), "", "crew", "list", "--server", closed).exit())
			.isEqualTo(Failure.NETWORK);
		assertThat(run(Map.of("CREWSHIP_TOKEN", "crewship_cli_env"), "", "crew", "list", "--server", closed).exit())
			.isEqualTo(Failure.NETWORK);
	}

	@Test
	void usageErrorsAreValidationFailures() {
		Run unknown = run("crew", "list", "--no-such-flag", "-f", "json");
		assertThat(unknown.exit()).isEqualTo(Failure.VALIDATION);
		assertThat(unknown.errJson().get("error").get("message").asString()).contains("--no-such-flag");
		assertThat(run("hire", "--crew", "x").exit()).as("missing required options").isEqualTo(Failure.VALIDATION);
		assertThat(run("crew").exit()).as("a group without its subcommand").isEqualTo(Failure.VALIDATION);
		assertThat(run("crew", "list", "--format", "xml").exit()).isEqualTo(Failure.VALIDATION);
	}

	@Test
	void theConfigIsOwnerOnlyAndAMalformedOneIsNeverOverwritten() throws IOException {
		Config config = Config.load(this.home.resolve(".crewship"));
		config.set(Config.SERVER, "http://localhost:8080").set(Config.TOKEN, "crewship_cli_x").save();
		Path file = this.home.resolve(".crewship/cli-config.yaml");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
			.isEqualTo("rwx------");
		assertThat(Config.load(this.home.resolve(".crewship")).get(Config.TOKEN)).isEqualTo("crewship_cli_x");

		Files.writeString(file, "server: [unclosed\n");
		Run logout = run("logout", "--local");
		assertThat(Files.readString(file)).isEqualTo("server: [unclosed\n");
		assertThat(logout.exit()).isIn(0, Failure.VALIDATION);
		Config malformed = Config.load(this.home.resolve(".crewship"));
		Failure refused = org.assertj.core.api.Assertions.catchThrowableOfType(Failure.class,
				() -> malformed.set(Config.TOKEN, "t").save());
		assertThat(refused.exitCode()).isEqualTo(Failure.VALIDATION);
		assertThat(refused.getMessage()).contains("refusing to overwrite a malformed file");
		assertThat(run("login", "--token", "crewship_cli_t", "--server", closedPort()).exit())
			.as("refused before a token is checked or minted")
			.isEqualTo(Failure.VALIDATION);
	}

	@Test
	void theManifestAndCompletionComeFromTheCommandTree() {
		JsonNode manifest = Api.JSON.readTree(run("commands", "--format", "json").out());
		assertThat(manifest.get("global_flags").valueStream().map(flag -> flag.get("name").asString()))
			.contains("server", "workspace", "format", "no-color", "server-allow-mismatch");
		JsonNode crew = manifest.get("commands")
			.valueStream()
			.filter(command -> command.get("path").asString().equals("crew"))
			.findFirst()
			.orElseThrow();
		assertThat(crew.get("commands").valueStream().map(command -> command.get("path").asString()))
			.contains("crew list", "crew get", "crew create", "crew delete");
		JsonNode chat = manifest.get("commands")
			.valueStream()
			.filter(command -> command.get("path").asString().equals("chat"))
			.findFirst()
			.orElseThrow();
		assertThat(chat.get("commands").valueStream().map(command -> command.get("path").asString()))
			.contains("chat create", "chat send", "chat list", "chat read", "chat rename", "chat delete");
		JsonNode login = manifest.get("commands")
			.valueStream()
			.filter(command -> command.get("path").asString().equals("login"))
			.findFirst()
			.orElseThrow();
		assertThat(login.get("flags").valueStream().map(flag -> flag.get("name").asString()))
			.contains("email", "password-stdin", "token")
			.doesNotContain("format");
		assertThat(manifest.get("commands").valueStream().map(command -> command.get("path").asString())).contains(
				"login", "logout", "whoami", "workspace", "crew", "agent", "hire", "rehire", "mission", "issue",
				"label", "project", "credential", "webhook", "logs", "chat", "journal", "activity", "inbox", "token",
				"completion", "commands", "version");

		String bash = run("completion", "bash").out();
		assertThat(bash).contains("complete -F").contains("credential").contains("--format").contains("rotate");
		assertThat(run("completion", "zsh").out()).contains("bashcompinit").contains("credential");
		assertThat(run("completion", "fish").exit()).isEqualTo(Failure.VALIDATION);
	}

	@Test
	void aFailingServerIsTheServerErrorClassWithItsProblemPassedThrough() throws IOException {
		// the suite answers 5xx only when a service is down; this stands in for that
		// answer
		com.sun.net.httpserver.HttpServer failing = com.sun.net.httpserver.HttpServer
			.create(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		failing.createContext("/", exchange -> {
			byte[] body = "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,\"detail\":\"crew-service is unavailable\",\"service\":\"crew-service\"}"
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
			exchange.sendResponseHeaders(503, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		failing.start();
		try {
			String server = "http://127.0.0.1:" + failing.getAddress().getPort();
			Run run = run(
					Map.of("CREWSHIP_TOKEN", "crewship_cli_x", "CREWSHIP_SERVER", server, "CREWSHIP_WORKSPACE", "w1"),
					"", "crew", "list", "--workspace", "w1", "-f", "json");
			assertThat(run.exit()).as(run.err()).isEqualTo(Failure.SERVER);
			JsonNode error = run.errJson().get("error");
			assertThat(error.get("status").asInt()).isEqualTo(503);
			assertThat(error.get("detail").asString()).isEqualTo("crew-service is unavailable");
			assertThat(error.get("message").asString()).isEqualTo("API error (503): crew-service is unavailable");
			assertThat(error.get("extensions").get("service").asString()).isEqualTo("crew-service");
		}
		finally {
			failing.stop(0);
		}
	}

	@Test
	void httpStatusesMapToTheReferenceExitCodes() {
		assertThat(Failure.exitCodeOf(400)).isEqualTo(2);
		assertThat(Failure.exitCodeOf(422)).isEqualTo(2);
		assertThat(Failure.exitCodeOf(404)).isEqualTo(3);
		assertThat(Failure.exitCodeOf(401)).isEqualTo(4);
		assertThat(Failure.exitCodeOf(403)).isEqualTo(4);
		assertThat(Failure.exitCodeOf(409)).isEqualTo(5);
		assertThat(Failure.exitCodeOf(429)).isEqualTo(6);
		assertThat(Failure.exitCodeOf(503)).isEqualTo(7);
		assertThat(Failure.exitCodeOf(418)).isEqualTo(1);
	}

	@Test
	void aSecretIsNeverTakenAsAnArgument() {
		Run run = run(Map.of("CREWSHIP_TOKEN", "crewship_cli_env"), "", "credential", "add", "--name", "x", "--value",
				"sk-canary");
		assertThat(run.exit()).isEqualTo(Failure.VALIDATION);
		assertThat(run.err()).contains("--value").doesNotContain("sk-canary");
	}

	private void writeConfig(String yaml) throws IOException {
		Files.createDirectories(this.home.resolve(".crewship"));
		Files.writeString(this.home.resolve(".crewship/cli-config.yaml"), yaml);
	}

	private static String closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return "http://127.0.0.1:" + socket.getLocalPort();
		}
	}

}
