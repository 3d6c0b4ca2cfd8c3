package crewship.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.devstack.Suite;
import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never reach a log: with every process of the suite logging at DEBUG and TRACE
 * (our code, Spring's web layer with request and response bodies, SQL and its bound
 * values, the gateway's routing, Kafka listeners), canary secrets go through every flow
 * that carries one — a password at sign-up, sign-in and a wrong sign-in, the session
 * cookie, a CLI token, a credential's value (an LLM key) and its rotation, an agent's
 * webhook signing secret (shown once) used both as a signature key and in the deprecated
 * {@code X-Webhook-Secret} header, a pipeline webhook's signing secret — and then no log
 * file of any process holds any of them.
 */
class SecretsInLogsSystemTests {

	/** Loud, but for a few seconds only: the levels go back when the test ends. */
	static final Map<String, String> LOUD = new LinkedHashMap<>();

	static {
		LOUD.put("crewship", "TRACE");
		LOUD.put("web", "TRACE"); // Spring's web group: MVC, codecs, HTTP (bodies at
									// TRACE)
		LOUD.put("sql", "DEBUG");
		LOUD.put("org.springframework.jdbc.core", "TRACE"); // bound parameter values
		LOUD.put("org.hibernate.orm.jdbc.bind", "TRACE");
		LOUD.put("org.springframework.web.client", "TRACE");
		LOUD.put("org.springframework.cloud.gateway", "TRACE");
		LOUD.put("org.springframework.kafka", "DEBUG");
		LOUD.put("org.springframework.security", "TRACE");
	}

	static final List<String> PROCESSES = List.of("auth-service", "crew-service", "mission-service", "issue-service",
			"credential-vault-service", "webhook-service", "realtime-service");

	static Suite suite;

	static String gateway;

	@BeforeAll
	static void startSuite() {
		suite = RunningSuite.get();
		gateway = suite.gatewayUrl();
		WebhookSignatureSystemTests.startSuite(); // its rotate helper reads its gateway
													// field
	}

	@Test
	void noCanarySecretReachesAnyLogAtDebugAndTrace() throws Exception {
		List<String> managed = new ArrayList<>();
		managed.add(management(gateway));
		for (String service : PROCESSES) {
			managed.add(management(suite.serviceUrl(service)));
		}
		Map<String, String> canaries = new LinkedHashMap<>();
		String tag = UUID.randomUUID().toString().replace("-", "");
		try {
			managed.forEach(base -> LOUD.forEach((logger, level) -> setLevel(base, logger, level)));
			sendSecrets(tag, canaries);
			Thread.sleep(1500); // what the requests set off (outbox relay, consumers) has
								// logged
		}
		finally {
			managed.forEach(base -> LOUD.keySet().forEach(logger -> setLevel(base, logger, null)));
		}
		List<Path> logs = logFiles();
		assertThat(logs).as("the suite's log files").hasSizeGreaterThanOrEqualTo(8);
		List<String> found = new ArrayList<>();
		// not a secret, but in the same request bodies and SQL parameters: proof that the
		// loud levels were on and logged what the requests carried
		String email = "canary-" + tag + "@example.com";
		List<String> showingEmail = new ArrayList<>();
		for (Path log : logs) {
			String text = Files.readString(log, StandardCharsets.ISO_8859_1);
			if (text.contains(email)) {
				showingEmail.add(log.getFileName().toString());
			}
			canaries.forEach((what, secret) -> {
				int at = text.indexOf(secret);
				if (at >= 0) {
					int lineStart = text.lastIndexOf('\n', at) + 1;
					int lineEnd = text.indexOf('\n', at);
					found.add(what + " in " + log.getFileName() + ": " + text.substring(lineStart,
							(lineEnd < 0) ? text.length() : Math.min(lineEnd, lineStart + 400)));
				}
			});
		}
		assertThat(showingEmail).as("logs that show the sign-up's email").isNotEmpty();
		assertThat(found).as("secrets in the logs").isEmpty();
	}

	/** Every flow of the suite that carries a secret, with a canary for each. */
	private static void sendSecrets(String tag, Map<String, String> canaries) throws Exception {
		// a password: sign-up, sign-in, a wrong sign-in
		String password = "canary-pw-" + tag;
		String wrong = "canary-wrong-" + tag;
		canaries.put("password", password);
		canaries.put("wrong password", wrong);
		String email = "canary-" + tag + "@example.com";
		Response signup = Client.post(gateway + "/api/v1/auth/signup",
				"{\"full_name\":\"Canary\",\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
		assertThat(signup.status()).as(signup.body()).isEqualTo(202);
		Response refused = Client.post(gateway + "/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + wrong + "\"}");
		assertThat(refused.status()).isBetween(400, 499);
		Response signIn = Client.post(gateway + "/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
		assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
		String setCookie = signIn.header("Set-Cookie");
		String cookieValue = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
		canaries.put("session cookie", cookieValue);
		String[] as = { "Cookie", "authjs.session-token=" + cookieValue, "Origin", gateway };
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", as).json().get(0).get("id").asString();

		// a CLI token (shown once), then used as the bearer of a request
		Response cli = Client.post(gateway + "/api/v1/auth/cli-token", "{\"name\":\"canary\"}", as);
		assertThat(cli.status()).as(cli.body()).isEqualTo(200);
		String token = cli.json().get("token").asString();
		canaries.put("CLI token", token);
		assertThat(Client.get(gateway + "/api/v1/workspaces", "Authorization", "Bearer " + token).status())
			.isEqualTo(200);

		// a credential's value, an LLM key, and its rotation
		String llmKey = "sk-ant-api03-canary" + tag;
		canaries.put("credential value", llmKey);
		Response credential = Client.post(gateway + "/api/v1/credentials?workspace_id=" + workspaceId,
				"{\"name\":\"ANTHROPIC_API_KEY\",\"type\":\"API_KEY\",\"provider\":\"ANTHROPIC\",\"value\":\"" + llmKey
						+ "\"}",
				as);
		assertThat(credential.status()).as(credential.body()).isEqualTo(201);
		String rotatedKey = "sk-ant-api03-rotated" + tag;
		canaries.put("rotated credential value", rotatedKey);
		Response rotation = Client.post(gateway + "/api/v1/credentials/" + credential.json().get("id").asString()
				+ "/rotate?workspace_id=" + workspaceId, "{\"value\":\"" + rotatedKey + "\",\"grace_seconds\":60}", as);
		assertThat(rotation.status()).as(rotation.body()).isBetween(200, 201);

		// an agent's webhook secret: minted once, used to sign, and sent in plain text
		String suffix = tag.substring(0, 8);
		Response crew = Client.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"Canary\",\"slug\":\"canary-" + suffix + "\"}", as);
		assertThat(crew.status()).as(crew.body()).isEqualTo(201);
		String crewId = crew.json().get("id").asString();
		Response agent = Client.post(gateway + "/api/v1/agents?workspace_id=" + workspaceId,
				"{\"name\":\"Canary Agent\",\"slug\":\"canary-" + suffix + "\",\"crew_id\":\"" + crewId + "\"}", as);
		assertThat(agent.status()).as(agent.body()).isEqualTo(201);
		String agentId = agent.json().get("id").asString();
		String secret = WebhookSignatureSystemTests
			.rotate(new IdentitySystemTests.SignedIn(email, cookieValue, null, null), workspaceId, agentId);
		canaries.put("agent webhook secret", secret);
		String trigger = gateway + "/api/v1/webhooks/" + crewId + "/" + agentId + "/trigger";
		String body = "{\"prompt\":\"canary " + tag + "\"}";
		assertThat(Client.post(trigger, body, "X-Signature", WebhookSignatureSystemTests.hmac(secret, body)).status())
			.isEqualTo(202);
		assertThat(Client.post(trigger, "{\"prompt\":\"plain " + tag + "\"}", "X-Webhook-Secret", secret).status())
			.isEqualTo(202);

		// a pipeline webhook's signing secret (shown once)
		Response pipeline = Client.post(gateway + "/api/v1/workspaces/" + workspaceId + "/pipeline-webhooks",
				"{\"name\":\"Canary events\",\"target_pipeline_slug\":\"canary\",\"target_pipeline_version\":1}", as);
		assertThat(pipeline.status()).as(pipeline.body()).isEqualTo(201);
		canaries.put("pipeline signing secret", pipeline.json().get("signing_secret").asString());
	}

	/** The process's management port (loopback): its public port + 1000. */
	private static String management(String publicUrl) {
		URI url = URI.create(publicUrl);
		return "http://127.0.0.1:" + Suite.managementPort(url.getPort());
	}

	private static void setLevel(String management, String logger, String level) {
		Response set = Client.post(management + "/actuator/loggers/" + logger,
				"{\"configuredLevel\":" + ((level != null) ? "\"" + level + "\"" : "null") + "}");
		assertThat(set.status()).as(management + " " + logger + ": " + set.body()).isEqualTo(204);
	}

	private static List<Path> logFiles() throws IOException {
		Path dir = RunningSuite.DATA_DIR.resolve("logs");
		try (Stream<Path> files = Files.walk(dir)) {
			return files.filter(Files::isRegularFile).filter(path -> path.toString().endsWith(".log")).toList();
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

}
