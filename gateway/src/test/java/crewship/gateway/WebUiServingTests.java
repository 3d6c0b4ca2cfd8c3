package crewship.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI served from a static export ({@code CREWSHIP_UI_DIR}, here the small export
 * under {@code src/test/resources/ui-export}: a few pages, their RSC payloads, a dynamic
 * {@code issues/[id]} segment and hashed assets), as a browser fetches it. Without the
 * variable nothing is served (GatewayEdgeTests.pathOutsideTheApiIsProblem404).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebUiServingTests {

	static final Path EXPORT = Path.of("src/test/resources/ui-export").toAbsolutePath();

	static final HttpServer crewService = startCrewService();

	@LocalServerPort
	int port;

	TestHttp browser;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("crewship.gateway.ui.dir", EXPORT::toString);
		registry.add("crewship.gateway.internal-port", () -> 0);
		String up = "http://127.0.0.1:" + crewService.getAddress().getPort();
		for (String service : new String[] { "auth-service", "crew-service", "mission-service", "issue-service",
				"credential-vault-service", "webhook-service", "realtime-service" }) {
			registry.add("crewship.gateway.services." + service, () -> up);
		}
	}

	@BeforeEach
	void setUp() {
		this.browser = new TestHttp("http://127.0.0.1:" + this.port);
	}

	@AfterAll
	static void stop() {
		crewService.stop(0);
	}

	@Test
	void pagesResolveAsTheExportLaysThemOut() throws IOException {
		assertPage(this.browser.get("/"), "Inbox");
		assertPage(this.browser.get("/crews"), "Crews");
		assertPage(this.browser.get("/settings"), "Settings");
		assertPage(this.browser.get("/settings/"), "Settings");
		Response file = this.browser.get("/robots.txt");
		assertThat(file.status()).isEqualTo(200);
		assertThat(file.body()).isEqualTo(Files.readString(EXPORT.resolve("robots.txt")));
		assertThat(file.header("Content-Type")).startsWith("text/plain");
		assertThat(this.browser.get("/crews.txt").body()).as("a page's RSC payload").contains("crews payload");
	}

	@Test
	void dynamicSegmentsGetTheirPlaceholderAndEverythingElseTheIndex() {
		assertPage(this.browser.get("/issues/ENG-1"), "Issue placeholder");
		Response payload = this.browser.get("/issues/ENG-1.txt?_rsc=1x2y");
		assertThat(payload.status()).isEqualTo(200);
		assertThat(payload.body()).contains("issue payload");
		assertPage(this.browser.get("/crews/c123/agents/a456"), "Agent placeholder");
		assertPage(this.browser.get("/no/such/page"), "Inbox");
	}

	@Test
	void hashedAssetsAreImmutableAndPagesAreNeverCached() {
		Response script = this.browser.get("/_next/static/chunks/app.js");
		assertThat(script.status()).isEqualTo(200);
		assertThat(script.body()).contains("crewship ui");
		assertThat(script.header("Content-Type")).contains("javascript");
		assertThat(script.header("Cache-Control")).contains("max-age=31536000").contains("immutable");
		assertThat(this.browser.get("/").header("Cache-Control")).isEqualTo("no-store");
		assertThat(this.browser.get("/_next/static/chunks/missing.js").status())
			.as("a missing asset is not answered with a page")
			.isEqualTo(404);
		Response head = this.browser.send("HEAD", "/crews", null, null);
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
	}

	@Test
	void pagesAllowTheirOwnInlineScriptsByHashAndNothingElseInline() throws Exception {
		Response home = this.browser.get("/");
		String policy = home.header("Content-Security-Policy");
		String scriptSrc = directive(policy, "script-src");
		assertThat(scriptSrc).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").startsWith("'self'");
		Matcher inline = Pattern.compile("<script>(.*?)</script>").matcher(home.body());
		int scripts = 0;
		while (inline.find()) {
			java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
			String hash = java.util.Base64.getEncoder()
				.encodeToString(sha256.digest(inline.group(1).getBytes(StandardCharsets.UTF_8)));
			assertThat(scriptSrc).contains("'sha256-" + hash + "'");
			scripts++;
		}
		assertThat(scripts).isEqualTo(2);
		assertThat(directive(policy, "object-src")).isEqualTo("'none'");
		assertThat(directive(policy, "frame-ancestors")).isEqualTo("'none'");
		assertThat(directive(policy, "connect-src")).as("the API and /ws are same-origin").isEqualTo("'self'");
		assertThat(home.header("X-Content-Type-Options")).isEqualTo("nosniff");
	}

	@Test
	void theApiAndTheWebSocketAreNeverShadowed() {
		Response api = this.browser.get("/api/v1/crews");
		assertThat(api.status()).isEqualTo(200);
		assertThat(api.body()).as("the route's service answered, not a page").isEqualTo("[]");
		Response unknownApi = this.browser.get("/api/not-a-route");
		assertThat(unknownApi.header("Content-Type")).startsWith("application/problem+json");
		assertThat(this.browser.get("/ws").body()).doesNotContain("<html");
		assertThat(this.browser.postJson("/crews", "{}").header("Content-Type")).as("only GET and HEAD are the UI's")
			.startsWith("application/problem+json");
	}

	@Test
	void nothingOutsideTheExportIsServed() {
		for (String path : new String[] { "/../pom.xml", "/%2e%2e/%2e%2e/pom.xml", "/issues/..%2f..%2fpom.xml",
				"/_next/%2e%2e/%2e%2e/pom.xml", "/.git/config", "/..%5c..%5cpom.xml" }) {
			Response response = this.browser.get(path);
			assertThat(response.body()).as(path).doesNotContain("<project").doesNotContain("[core]");
		}
	}

	private static void assertPage(Response response, String marker) {
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.header("Content-Type")).startsWith("text/html");
		assertThat(response.body()).contains("<div id=\"root\">" + marker + "</div>");
		assertThat(response.header("Content-Security-Policy")).isNotNull();
	}

	private static String directive(String policy, String name) {
		for (String directive : policy.split(";")) {
			String trimmed = directive.trim();
			if (trimmed.startsWith(name + " ")) {
				return trimmed.substring(name.length() + 1);
			}
		}
		throw new AssertionError("no " + name + " in " + policy);
	}

	private static HttpServer startCrewService() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", exchange -> {
				byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
