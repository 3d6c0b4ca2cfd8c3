package crewship.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code crewship} CLI as a user runs it: the launcher the build produces
 * ({@code cli/target/crewship}), a home directory of its own, against the running suite.
 * One signed-in CLI drives the commands in order (they build on each other: the crew the
 * agent joins, the agent the webhook belongs to); every run's output is kept, and at the
 * end none of it, nor any file the CLI wrote, holds the canary credential value.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliSystemTests {

	static final String CANARY = "sk-canary-" + UUID.randomUUID();

	static final List<Run> runs = new ArrayList<>();

	static String gateway;

	static Path home;

	static IdentitySystemTests.SignedIn user;

	static String crewSlug = "cli-" + UUID.randomUUID().toString().substring(0, 8);

	static String hiredSlug;

	/** One run of the CLI. */
	record Run(List<String> args, int exit, String out, String err) {

		JsonNode json() {
			return Client.JSON.readTree(this.out);
		}

		JsonNode error() {
			return Client.JSON.readTree(this.err).get("error");
		}

		@Override
		public String toString() {
			return "crewship " + String.join(" ", this.args) + " -> " + this.exit + "\nstdout: " + this.out
					+ "\nstderr: " + this.err;
		}

	}

	@BeforeAll
	static void signUp() throws IOException {
		gateway = RunningSuite.get().gatewayUrl();
		user = IdentitySystemTests.signUpAndIn();
		home = Files.createTempDirectory("crewship-cli-home");
	}

	@AfterAll
	static void cleanUp() throws IOException {
		if (home != null) {
			try (Stream<Path> files = Files.walk(home)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
			}
		}
	}

	static Run cli(String stdin, Map<String, String> env, String... args) {
		Path launcher = Path.of(System.getProperty("crewship.repository", ".."))
			.toAbsolutePath()
			.normalize()
			.resolve("cli/target/crewship");
		List<String> command = new ArrayList<>(List.of(launcher.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().keySet().removeIf(name -> name.startsWith("CREWSHIP_"));
		builder.environment().put("HOME", home.toString());
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().putAll(env);
		try {
			Process process = builder.start();
			process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
			process.getOutputStream().close();
			byte[] out = process.getInputStream().readAllBytes();
			byte[] err = process.getErrorStream().readAllBytes();
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			Run run = new Run(List.of(args), process.exitValue(), new String(out, StandardCharsets.UTF_8),
					new String(err, StandardCharsets.UTF_8));
			synchronized (runs) {
				runs.add(run);
			}
			return run;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Run cli(String... args) {
		return cli("", Map.of(), args);
	}

	static Run ok(String... args) {
		Run run = cli(args);
		assertThat(run.exit()).as(run.toString()).isZero();
		return run;
	}

	static void exits(int code, Run run) {
		assertThat(run.exit()).as(run.toString()).isEqualTo(code);
	}

	@Test
	@Order(1)
	void logsInWithThePasswordOnStdinAndKeepsOnlyATokenOwnerOnly() throws IOException {
		exits(4, cli(IdentitySystemTests.PASSWORD + "-wrong\n", Map.of(), "login", "--server", gateway, "--email",
				user.email(), "--password-stdin", "-f", "json"));
		Run login = cli(IdentitySystemTests.PASSWORD + "\n", Map.of(), "login", "--server", gateway, "--email",
				user.email(), "--password-stdin");
		assertThat(login.exit()).as(login.toString()).isZero();
		Path config = home.resolve(".crewship/cli-config.yaml");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
		String stored = Files.readString(config);
		assertThat(stored).contains("crewship_cli_").contains(gateway).doesNotContain(IdentitySystemTests.PASSWORD);

		JsonNode me = ok("whoami", "-f", "json").json();
		assertThat(me.get("email").asString()).isEqualTo(user.email());
		assertThat(me.get("server").asString()).isEqualTo(gateway);
		assertThat(ok("token", "validate", "-f", "json").json().get("user_email").asString()).isEqualTo(user.email());
	}

	@Test
	@Order(2)
	void selectsItsWorkspace() {
		JsonNode workspaces = ok("workspace", "list", "-f", "json").json();
		assertThat(workspaces).hasSize(1);
		String slug = workspaces.get(0).get("slug").asString();
		assertThat(ok("workspace", "use", slug).out()).contains("Now using workspace");
		assertThat(ok("workspace", "get", "-f", "json").json().get("slug").asString()).isEqualTo(slug);
		exits(3, cli("workspace", "use", "no-such-workspace"));
		assertThat(ok("whoami").out()).contains("Role:").contains("OWNER");
	}

	@Test
	@Order(3)
	void managesCrewsAndAgentsWithEveryFailureClassified() {
		JsonNode crew = ok("crew", "create", "--name", "CLI Crew", "--slug", crewSlug, "-f", "json").json();
		assertThat(crew.get("slug").asString()).isEqualTo(crewSlug);
		assertThat(ok("crew", "list", "-f", "json").json().valueStream().map(c -> c.get("slug").asString()))
			.contains(crewSlug);
		assertThat(ok("crew", "list", "-f", "quiet").out()).contains(crew.get("id").asString());
		assertThat(ok("crew", "list", "-f", "ndjson").out().lines()).allSatisfy(line -> Client.JSON.readTree(line));
		assertThat(ok("crew", "get", crewSlug, "-f", "yaml").out()).contains("slug:").contains(crewSlug);
		assertThat(ok("crew", "get", crewSlug).out()).contains("Slug:").contains(crewSlug);

		Run duplicate = cli("crew", "create", "--name", "CLI Crew", "--slug", crewSlug, "-f", "json");
		exits(5, duplicate);
		assertThat(duplicate.out()).isEmpty();
		assertThat(duplicate.error().get("status").asInt()).isEqualTo(409);
		assertThat(duplicate.error().get("exit_code").asInt()).isEqualTo(5);
		Run invalid = cli("crew", "create", "--name", "Bad", "--slug", "Not A Slug!", "-f", "json");
		exits(2, invalid);
		assertThat(invalid.error().get("status").asInt()).isEqualTo(400);
		exits(3, cli("crew", "get", "no-such-crew"));

		JsonNode agent = ok("agent", "create", "--name", "Viktor", "--slug", "viktor-" + crewSlug, "--crew", crewSlug,
				"-f", "json")
			.json();
		assertThat(agent.get("crew_id").asString()).isEqualTo(crew.get("id").asString());
		assertThat(ok("agent", "list", "--crew", crewSlug, "-f", "json").json()).hasSize(1);
		assertThat(ok("agent", "get", "viktor-" + crewSlug).out()).contains("Viktor");
		exits(3, cli("agent", "get", "nobody"));
	}

	@Test
	@Order(4)
	void hiresUnderTheCrewsPolicyAndRehires() {
		JsonNode hired = ok("hire", "--crew", crewSlug, "--template", "backend-dev", "--reason", "Spike from the CLI",
				"-f", "json")
			.json();
		hiredSlug = hired.get("slug").asString();
		assertThat(hired.get("status").asString()).as("a guided crew holds the hire").isEqualTo("PENDING_REVIEW");
		assertThat(ok("hire", "approve", hiredSlug, "-f", "json").json().get("status").asString()).isEqualTo("IDLE");
		exits(2, cli("rehire", hiredSlug, "--reason", "no terminal, no --yes"));
		JsonNode rehired = ok("rehire", hiredSlug, "--reason", "More work", "--ttl", "90", "--yes", "-f", "json")
			.json();
		assertThat(rehired.get("hire_reason").asString()).contains("More work");
		exits(3, cli("hire", "--crew", crewSlug, "--template", "no-such-template", "--reason", "x"));

		// a crew quota: the next hire is refused with 429, the rate-limited class
		Response quota = Client.send("PATCH", gateway + "/api/v1/crews/" + crewSlug + "?workspace_id=" + workspaceId(),
				"{\"max_ephemeral_agents\":1}", "Cookie", user.cookieHeader(), "Origin", gateway);
		assertThat(quota.status()).as(quota.body()).isEqualTo(200);
		Run refused = cli("hire", "--crew", crewSlug, "--template", "backend-dev", "--reason", "one too many", "-f",
				"json");
		exits(6, refused);
		assertThat(refused.error().get("status").asInt()).isEqualTo(429);
	}

	@Test
	@Order(5)
	void credentialValuesGoInThroughStdinAndNeverComeOut() {
		Run added = cli(CANARY + "\n", Map.of(), "credential", "add", "--name", "canary-" + crewSlug, "--type",
				"SECRET", "--value-stdin", "-f", "json");
		assertThat(added.exit()).as(added.toString()).isZero();
		assertThat(added.json().get("name").asString()).isEqualTo("canary-" + crewSlug);
		assertThat(ok("credential", "list", "-f", "json").json().valueStream().map(c -> c.get("name").asString()))
			.contains("canary-" + crewSlug);
		ok("credential", "list");
		Run tested = ok("credential", "test", "canary-" + crewSlug, "-f", "json");
		assertThat(tested.json().get("supported").asBoolean()).as("a SECRET has no live check").isFalse();
		exits(2, cli("credential", "add", "--name", "no-value", "--value", CANARY));
		exits(2, cli("", Map.of(), "credential", "add", "--name", "empty", "--value-stdin"));
		exits(3, cli("credential", "test", "no-such-credential"));
		ok("credential", "delete", "canary-" + crewSlug, "--yes");
		exits(3, cli("credential", "delete", "canary-" + crewSlug, "--yes"));
	}

	@Test
	@Order(6)
	void rotatesAWebhookSecretAndItsPrintedCurlIsAccepted() throws Exception {
		String agent = "viktor-" + crewSlug;
		exits(2, cli("webhook", "rotate", agent));
		Run rotated = ok("webhook", "rotate", agent, "--yes");
		String curl = rotated.out().lines().filter(line -> line.startsWith("curl ")).findFirst().orElseThrow();
		String secret = rotated.out()
			.lines()
			.filter(line -> line.startsWith("Secret:"))
			.findFirst()
			.orElseThrow()
			.substring("Secret:".length())
			.trim();
		assertThat(curl).doesNotContain(secret).contains("X-Signature: ").contains("X-Timestamp: ");
		Process sent = new ProcessBuilder("bash", "-c", curl + " -o /dev/null -w '%{http_code}'").start();
		String status = new String(sent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(sent.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(status).as("the signed test delivery").isEqualTo("202");

		JsonNode delivery = cli(secret + "\n", Map.of(), "webhook", "curl", agent, "--secret-stdin", "--body",
				"{\"prompt\":\"second\"}", "-f", "json")
			.json();
		Response accepted = Client.post(delivery.get("url").asString(), delivery.get("body").asString(), "X-Timestamp",
				delivery.get("timestamp").asString(), "X-Signature", delivery.get("signature").asString());
		assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
	}

	@Test
	@Order(7)
	void managesItsTokensAndTheDiscoveryCommandsWork() {
		JsonNode created = ok("token", "create", "ci-runner", "-f", "json").json();
		String tokenId = created.get("id").asString();
		String token = created.get("token").asString();
		assertThat(ok("token", "list", "-f", "json").json().valueStream().map(t -> t.get("id").asString()))
			.contains(tokenId);
		// a token from elsewhere works through CREWSHIP_TOKEN, unbound to any host
		assertThat(cli("", Map.of("CREWSHIP_TOKEN", token, "CREWSHIP_SERVER", gateway), "whoami", "-f", "json").json()
			.get("email")
			.asString()).isEqualTo(user.email());
		exits(2, cli("token", "revoke", tokenId));
		ok("token", "revoke", tokenId, "--yes");

		JsonNode manifest = ok("commands", "--format", "json").json();
		assertThat(manifest.get("commands").valueStream().map(c -> c.get("path").asString())).contains("crew",
				"credential", "webhook", "version");
		assertThat(ok("completion", "bash").out()).contains("complete -F");
		JsonNode version = ok("version", "--remote", "-f", "json").json();
		assertThat(version.get("client").get("version").asString()).isNotBlank();
		assertThat(version.get("server").get("current").asString()).isNotBlank();
		assertThat(version.get("server").get("url").asString()).isEqualTo(gateway);
	}

	@Test
	@Order(8)
	void refusesToSendTheStoredTokenToAnotherHostAndNamesNetworkFailures() {
		Run refused = cli("crew", "list", "--server", "http://attacker.invalid:8080", "-f", "json");
		exits(4, refused);
		assertThat(refused.error().get("message").asString()).contains("refusing").contains(gateway);
		Run unreachable = cli("crew", "list", "--server", "http://127.0.0.1:9", "--server-allow-mismatch", "-f",
				"json");
		exits(8, unreachable);
	}

	@Test
	@Order(9)
	void followsAnAgentsLogLiveOverTheWebSocket() {
		Run follow = cli("logs", "viktor-" + crewSlug, "--follow", "--idle", "2");
		assertThat(follow.exit()).as(follow.toString()).isZero();
		assertThat(follow.err()).contains("Following the log");
	}

	/**
	 * Issues, labels and projects are issue-service's: until it serves them (its branch
	 * is not merged yet) this test is skipped, not failed; once it does, it runs.
	 */
	@Test
	@Order(11)
	void tracksIssuesWithLabelsAndProjects() {
		String issues = "iss-" + crewSlug;
		ok("crew", "create", "--name", "Issue Crew", "--slug", issues);
		// a crew's issues need its LEAD
		ok("agent", "create", "--name", "Fixer", "--slug", "fixer-" + crewSlug, "--crew", issues, "--role", "LEAD");
		String label = "bug-" + crewSlug.substring(4);
		assertThat(ok("label", "create", label, "--color", "#FF0000", "-f", "json").json().get("name").asString())
			.isEqualTo(label);
		assertThat(ok("label", "list", "-f", "json").json().valueStream().map(l -> l.get("name").asString()))
			.contains(label);
		JsonNode project = ok("project", "create", "Launch " + crewSlug, "-f", "json").json();
		assertThat(ok("project", "list", "-f", "json").json().valueStream().map(p -> p.get("id").asString()))
			.contains(project.get("id").asString());
		assertThat(ok("project", "show", "Launch " + crewSlug).out()).contains("Launch " + crewSlug);

		JsonNode issue = ok("issue", "create", "--crew", issues, "--title", "Fix the login race", "--priority", "high",
				"--labels", label, "--project-id", project.get("id").asString(), "--assignee", "fixer-" + crewSlug,
				"-f", "json")
			.json();
		String identifier = issue.get("identifier").asString();
		assertThat(ok("issue", "list", "--crew", issues, "-f", "json").json()
			.valueStream()
			.map(i -> i.get("identifier").asString())).contains(identifier);
		assertThat(ok("issue", "show", identifier).out()).contains("Fix the login race");
		assertThat(ok("issue", "comment", identifier, "Looks like a race in the session cache", "-f", "json").json()
			.get("body")
			.asString()).contains("race");
		ok("issue", "start", identifier);
		exits(3, cli("issue", "show", "NOPE-999"));
		exits(2, cli("label", "delete", label));
		ok("label", "delete", label, "--yes");
		exits(3, cli("label", "delete", label, "--yes"));
	}

	/**
	 * Missions and an agent's recent log lines are mission-service's: skipped until it
	 * serves /api/v1/missions (chats have a test of their own below).
	 */
	@Test
	@Order(12)
	void runsMissionsLive() {
		String ops = "ops-" + crewSlug;
		JsonNode crew = ok("crew", "create", "--name", "Ops Crew", "--slug", ops, "-f", "json").json();
		String lead = "boss-" + crewSlug;
		ok("agent", "create", "--name", "Boss", "--slug", lead, "--crew", ops, "--role", "LEAD");
		JsonNode mission = ok("mission", "create", "--crew", ops, "--title", "Ship v2", "-f", "json").json();
		String missionId = mission.get("id").asString();
		assertThat(ok("mission", "list", "-f", "json").json().valueStream().map(m -> m.get("id").asString()))
			.contains(missionId);
		assertThat(ok("mission", "list", "--crew", ops, "-f", "json").json()).hasSize(1);
		assertThat(ok("mission", "show", missionId.substring(0, 10)).out()).contains("Ship v2");
		exits(2, cli("mission", "start", missionId));
		Response task = Client.post(
				gateway + "/api/v1/crews/" + crew.get("id").asString() + "/missions/" + missionId
						+ "/tasks?workspace_id=" + workspaceId(),
				"{\"title\":\"Write the notes\"}", "Cookie", user.cookieHeader(), "Origin", gateway);
		assertThat(task.status()).as(task.body()).isIn(200, 201);
		ok("mission", "start", missionId);
		exits(3, cli("mission", "show", "nosuchmission"));
		assertThat(ok("logs", lead, "-f", "json").json().has("logs")).isTrue();
	}

	/**
	 * Chats are mission-service's: skipped until it serves an agent's chats. A chat
	 * message goes over /ws and its answer streams back (the local runtime answers
	 * without a model): text frames, then done; the transcript keeps both sides.
	 */
	@Test
	@Order(15)
	void chatsWithAnAgentLive() {
		String talk = "talk-" + crewSlug;
		ok("crew", "create", "--name", "Talk Crew", "--slug", talk);
		String agent = "ada-" + crewSlug;
		ok("agent", "create", "--name", "Ada", "--slug", agent, "--crew", talk, "--role", "LEAD");

		String chatId = ok("chat", "create", agent, "-f", "quiet").out().trim();
		assertThat(chatId).isNotBlank();
		Run sent = cli("chat", "send", chatId, "Summarise the release notes", "--idle", "60");
		assertThat(sent.exit()).as(sent.toString()).isZero();
		assertThat(sent.out()).as("the answer streamed back").isNotBlank();
		// as frames: text first, the end after it
		Run frames = cli("chat", "send", chatId, "And the known issues?", "--idle", "60", "-f", "ndjson");
		assertThat(frames.exit()).as(frames.toString()).isZero();
		List<String> types = frames.out()
			.lines()
			.map(line -> Client.JSON.readTree(line).path("type").asString())
			.filter(type -> type.equals("text") || type.equals("done") || type.equals("result"))
			.toList();
		assertThat(types).as(frames.out()).isNotEmpty().startsWith("text");
		assertThat(types.get(types.size() - 1)).isIn("done", "result");
		String transcript = ok("chat", chatId).out();
		assertThat(transcript).contains("Summarise the release notes").contains("And the known issues?");
		assertThat(ok("chat", chatId, "-f", "json").json().valueStream().map(m -> m.get("role").asString()))
			.containsExactly("user", "assistant", "user", "assistant");

		// the chat among the agent's chats, renamed (the agent found by walking), read,
		// deleted
		JsonNode listed = ok("chat", "list", agent, "-f", "json").json();
		assertThat(listed).singleElement().satisfies(chat -> {
			assertThat(chat.get("id").asString()).isEqualTo(chatId);
			assertThat(chat.get("message_count").asInt()).isEqualTo(4);
			assertThat(chat.get("unread_count").asInt()).isEqualTo(2);
		});
		assertThat(ok("chat", "rename", chatId, "Release\nnotes", "-f", "json").json().get("title").asString())
			.isEqualTo("Release notes");
		ok("chat", "read", chatId, "--agent", agent);
		assertThat(ok("chat", "list", agent, "-f", "json").json().get(0).get("unread_count").asInt()).isZero();
		exits(2, cli("chat", "delete", chatId));
		ok("chat", "delete", chatId, "--yes");
		exits(3, cli("chat", chatId));
	}

	/**
	 * The journal and the activity feed (mission-service) and the inbox (issue-service).
	 */
	@Test
	@Order(13)
	void readsTheJournalTheActivityFeedAndTheInbox() {
		assertThat(ok("journal", "--lines", "20", "-f", "json").json().isArray()).isTrue();
		assertThat(ok("activity", "--since", "24h", "-f", "json").json().isArray()).isTrue();
		exits(2, cli("journal", "--lines", "0"));
		exits(2, cli("activity", "--since", "yesterday"));
		assertThat(ok("inbox", "list", "--state", "all", "-f", "json").json().isArray()).isTrue();
		ok("inbox", "count");
	}

	@Test
	@Order(14)
	void createsAWorkspaceAndDeletesWhatItMade() {
		JsonNode workspace = ok("workspace", "create", "--name", "Second " + crewSlug, "-f", "json").json();
		assertThat(workspace.get("slug").asString()).isEqualTo("second-" + crewSlug);
		ok("agent", "delete", "viktor-" + crewSlug, "--yes");
		exits(3, cli("agent", "get", "viktor-" + crewSlug));
		exits(2, cli("crew", "delete", crewSlug));
		ok("crew", "delete", crewSlug, "--yes");
		exits(3, cli("crew", "get", crewSlug));
	}

	@Test
	@Order(20)
	void logoutRevokesTheTokenOnTheServer() throws Exception {
		String token = Files.readString(home.resolve(".crewship/cli-config.yaml"))
			.lines()
			.filter(line -> line.startsWith("token:"))
			.findFirst()
			.orElseThrow()
			.replaceAll("^token:\\s*\"?|\"$", "");
		assertThat(ok("logout").out()).contains("revoked");
		assertThat(Files.readString(home.resolve(".crewship/cli-config.yaml"))).doesNotContain("crewship_cli_");
		IdentitySystemTests.awaitStatus(401,
				() -> Client.get(gateway + "/api/v1/auth/cli-token/validate", "Authorization", "Bearer " + token));
		exits(4, cli("whoami"));
	}

	@Test
	@Order(21)
	void theCanaryAppearsInNoOutputAndNoFileTheCliWrote() throws IOException {
		assertThat(runs).isNotEmpty();
		for (Run run : runs) {
			if (!run.args().contains("--value")) {
				assertThat(run.out() + run.err()).as(run.args().toString()).doesNotContain(CANARY);
			}
			else {
				assertThat(run.out() + run.err()).as("a value as an argument is refused, and not echoed")
					.doesNotContain(CANARY);
			}
		}
		byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
		try (Stream<Path> files = Files.walk(home)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				assertThat(indexOf(Files.readAllBytes(file), canary)).as(file.toString()).isEqualTo(-1);
			}
		}
	}

	private static String workspaceId() {
		return Client.get(gateway + "/api/v1/workspaces", "Cookie", user.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
