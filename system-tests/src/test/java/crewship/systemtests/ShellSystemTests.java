package crewship.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.platform.testing.ReferenceSchemas;
import crewship.platform.testing.WsClient;
import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI's shell, walked as a browser walks it: the sign-in page's anonymous reads,
 * sign-in through {@code /api/auth/*} with the CSRF token and a form post (the session
 * cookie is the only credential from then on), then every endpoint the shell and its
 * settings pages poll, with the workspace in {@code X-Workspace-ID} as the UI sends it.
 * Every answer must be a 2xx whose body validates against the operation's response schema
 * in the reference document — no 404, no 5xx, no shape a client would crash on. The bell
 * is followed live: a guided hire puts an approval in the inbox, {@code inbox.updated}
 * reaches the open WebSocket, the count moves, and the approval resolves it.
 * <p>
 * Operations mission-service owns but does not serve on this branch yet are walked
 * <em>guarded</em>: while the owner answers "no such endpoint" (the platform's 404
 * {@code No endpoint GET …}) they are listed as pending; once it serves them, they are
 * held to the same rules as the rest.
 */
class ShellSystemTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	static final String PASSWORD = "correct-horse-battery";

	static String gateway;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<String> walked = new ArrayList<>();

	private final List<String> pending = new ArrayList<>();

	private String cookie;

	private String workspaceId;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
	}

	@Test
	void theShellWalksWithoutA404A5xxOrASchemaViolation() throws Exception {
		// the sign-in page, before any session
		assertThat(walk("GET", "/api/v1/system/setup-status", null).get("needs_bootstrap").isBoolean()).isTrue();
		assertThat(walk("GET", "/api/v1/system/telemetry", null).get("enabled").asBoolean()).isFalse();

		String email = signUp();
		signInLikeABrowser(email);
		Response session = browser("GET", "/api/auth/session", null);
		assertThat(session.status()).isEqualTo(200);
		assertThat(session.json().get("user").get("email").asString()).isEqualTo(email);

		this.workspaceId = walk("GET", "/api/v1/workspaces", null).get(0).get("id").asString();
		walk("GET", "/api/v1/system/version", null);
		assertThat(walk("GET", "/api/v1/system/runtime", null).get("available").asBoolean()).isFalse();
		walk("GET", "/api/v1/crewshipd", null);
		walk("GET", "/api/v1/system/aux-status", null);
		walk("GET", "/api/v1/agents/crews-status", null);
		walk("GET", "/api/v1/crews", null);

		// the crew wizard, then the crew page's provisioning card
		String slug = "shell-" + UUID.randomUUID().toString().substring(0, 8);
		String crewId = walk("POST", "/api/v1/crews", "{\"name\":\"Shell\",\"slug\":\"" + slug + "\"}").get("id")
			.asString();
		JsonNode provision = walk("GET", "/api/v1/crews/" + crewId + "/provision", null);
		assertThat(provision.get("status").asString()).isEqualTo("idle");
		assertThat(provision.get("message").asString()).contains("No container runtime");
		assertThat(walk("GET", "/api/v1/crews/" + crewId + "/image-status", null).get("running").asBoolean()).isFalse();
		assertThat(walk("GET", "/api/v1/crews/" + crewId + "/credential-readiness", null).get("ready").asBoolean())
			.isFalse();
		assertThat(walk("GET", "/api/v1/runtime/capacity", null).get("enabled").asBoolean()).isFalse();
		walk("GET", "/api/v1/features/catalog", null);
		walk("GET", "/api/v1/runtimes/catalog", null);
		walk("GET", "/api/v1/cache/images", null);
		walk("GET", "/api/v1/saved-views", null);

		// settings: the user's preferences
		assertThat(walk("GET", "/api/v1/me/preferences", null).isObject()).isTrue();
		Response stored = browser("PUT", "/api/v1/me/preferences/ui.theme", "\"dark\"");
		assertThat(stored.status()).as(stored.body()).isEqualTo(204);
		assertThat(walk("GET", "/api/v1/me/preferences", null).get("ui.theme").asString()).isEqualTo("dark");

		// the bell, live
		assertThat(walk("GET", "/api/v1/inbox", null).get("rows").isArray()).isTrue();
		assertThat(walk("GET", "/api/v1/inbox/count", null).get("unread_count").asInt()).isZero();
		String wsToken = walk("GET", "/api/v1/ws-token", null).get("token").asString();
		WsClient socket = WsClient.connect(gateway.replace("http://", "ws://") + "/ws?token=" + wsToken, "Origin",
				gateway);
		RealtimeSystemTests.subscribe(socket, "workspace:" + this.workspaceId);
		Response hire = browser("POST", "/api/v1/agents/hire",
				"{\"crew_id\":\"" + crewId + "\",\"template_slug\":\"backend-dev\",\"reason\":\"Spike\"}");
		assertThat(hire.status()).as("a guided crew's hire waits for approval: " + hire.body()).isEqualTo(202);
		String agentId = hire.json().get("id").asString();
		JsonNode added = nextInbox(socket, "unread");
		assertThat(walk("GET", "/api/v1/inbox/count", null).get("unread_count").asInt()).isEqualTo(1);
		assertThat(added.get("payload").get("id").asString()).as("the item the hire's answer named")
			.isEqualTo(hire.json().get("inbox_item_id").asString());
		JsonNode item = walk("GET", "/api/v1/inbox/" + added.get("payload").get("id").asString(), null);
		assertThat(item.get("kind").asString()).isEqualTo("waitpoint");
		assertThat(item.get("source_id").asString()).isEqualTo(agentId);
		assertThat(item.get("body_md").asString()).contains("Spike");
		assertThat(browser("POST", "/api/v1/agents/" + agentId + "/approve-hire", "").status()).isEqualTo(200);
		nextInbox(socket, "resolved");
		assertThat(walk("GET", "/api/v1/inbox/count", null).get("unread_count").asInt()).isZero();
		socket.close();

		// the agent dialog's stored avatar comes back through the gateway unsniffed
		Response avatar = browser("PUT", "/api/v1/agents/" + agentId + "/avatar",
				"{\"svg\":\"<svg xmlns='http://www.w3.org/2000/svg'><circle r='4'/></svg>\"}");
		assertThat(avatar.status()).as(avatar.body()).isEqualTo(200);
		Response image = browser("GET", avatar.json().get("avatar_url").asString(), null);
		assertThat(image.status()).isEqualTo(200);
		assertThat(image.header("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(image.header("Content-Security-Policy")).contains("sandbox");

		// mission-service's part of the shell
		String ws = "/api/v1/workspaces/" + this.workspaceId;
		for (String path : List.of("/api/v1/journal/lookup", "/api/v1/journal?limit=100", "/api/v1/journal/count",
				ws + "/pipeline-runs?limit=20", ws + "/pipelines/runs/active", ws + "/pipelines",
				"/api/v1/metrics/timeseries?metric=runs_count&window=24h&bucket=1h", "/api/v1/runs?limit=20",
				"/api/v1/runs/insights?window=24h")) {
			walk("GET", path, null);
		}
		for (String path : List.of("/api/v1/mission-metrics")) {
			guarded(path);
		}
		System.out.println("Shell walk: " + this.walked.size() + " operations conform " + this.walked
				+ "; not served yet by their owner: " + this.pending);
	}

	/**
	 * The bell's next {@code inbox.updated} with that state (the socket may carry other
	 * events of the workspace first).
	 */
	private static JsonNode nextInbox(WsClient socket, String state) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode frame = socket.next("inbox.updated", Duration.ofNanos(deadline - System.nanoTime()));
			if (frame != null && state.equals(frame.get("payload").path("state").asString())) {
				return frame;
			}
		}
		throw new AssertionError("no inbox.updated with state " + state + " on the socket");
	}

	private String signUp() {
		String email = "shell-" + UUID.randomUUID() + "@example.com";
		Response signup = Client.post(gateway + "/api/v1/auth/signup",
				"{\"full_name\":\"Shell Walker\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
		assertThat(signup.status()).as(signup.body()).isEqualTo(202);
		return email;
	}

	/**
	 * NextAuth's credentials flow: the CSRF token, then a form post that sets the cookie.
	 */
	private void signInLikeABrowser(String email) throws IOException, InterruptedException {
		String csrf = Client.get(gateway + "/api/auth/csrf").json().get("csrfToken").asString();
		String form = "csrfToken=" + csrf + "&email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
				+ PASSWORD + "&callbackUrl=" + URLEncoder.encode(gateway + "/crews", StandardCharsets.UTF_8);
		HttpResponse<String> signIn = this.http
			.send(HttpRequest.newBuilder(URI.create(gateway + "/api/auth/callback/credentials"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Origin", gateway)
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
		this.cookie = signIn.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter(header -> header.startsWith("authjs.session-token="))
			.map(header -> header.substring(0, header.indexOf(';')))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no session cookie: " + signIn.headers().map()));
	}

	/** A request as the UI sends it: its cookie, its origin, its workspace header. */
	private Response browser(String method, String path, String body) {
		List<String> headers = new ArrayList<>(List.of("Origin", gateway));
		if (this.cookie != null) {
			headers.addAll(List.of("Cookie", this.cookie));
		}
		if (this.workspaceId != null) {
			headers.addAll(List.of("X-Workspace-ID", this.workspaceId));
		}
		return Client.send(method, gateway + path, body, headers.toArray(String[]::new));
	}

	/** A shell call that must succeed with a body of the reference shape. */
	private JsonNode walk(String method, String path, String body) {
		Response response = browser(method, path, body);
		assertThat(response.status()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
		conforms(method, path, response);
		this.walked.add(method + " " + path.replaceFirst("\\?.*", ""));
		return response.json();
	}

	/**
	 * Walked once the owner serves it; until then its answer must be the owner's own "no
	 * such endpoint" (never a 5xx, never another service's answer).
	 */
	private void guarded(String path) {
		Response response = browser("GET", path, null);
		if (response.status() == 404 && response.header("Content-Type") != null
				&& response.header("Content-Type").startsWith("application/problem+json")
				&& response.json().path("detail").asString("").startsWith("No endpoint ")) {
			this.pending.add(path.replaceFirst("\\?.*", ""));
			return;
		}
		assertThat(response.status()).as("GET " + path + ": " + response.body()).isBetween(200, 299);
		conforms("GET", path, response);
		this.walked.add("GET " + path.replaceFirst("\\?.*", ""));
	}

	/**
	 * {@link Client} checks every 2xx body it receives; the walk says so where it counts,
	 * so a walked operation the reference does not describe could not pass unchecked.
	 */
	private static void conforms(String method, String path, Response response) {
		assertThat(ReferenceSchemas.shared().operation(method, path)).as(method + " " + path + " in the reference")
			.isPresent();
		ReferenceSchemas.shared()
			.assertConforms(method, path, response.status(), response.header("Content-Type"), response.body());
	}

}
