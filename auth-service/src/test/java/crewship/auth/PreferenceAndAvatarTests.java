package crewship.auth;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.ReferenceSchemas;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The caller's UI preferences (per user, never another's; bounded keys and values) and
 * their avatar (PNG or sanitised SVG, served to those who share a workspace with them,
 * never sniffed), every 2xx body checked against the reference schema.
 */
class PreferenceAndAvatarTests extends WorkspaceTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newHttpClient();

	private TestHttp me(User user) {
		return as(user).validating();
	}

	private static Response put(TestHttp http, String key, String body) {
		return http.send("PUT", "/api/v1/me/preferences/" + key, "application/json", body);
	}

	@Test
	void preferencesRoundTripTheirJsonPerUser() {
		User ada = newUser();
		User bob = newUser();
		assertThat(me(ada).get("/api/v1/me/preferences").json().isEmpty()).isTrue();

		assertThat(put(me(ada), "ui.theme", "\"dark\"").status()).isEqualTo(204);
		assertThat(put(me(ada), "crews.bottom_panel_height", "220").status()).isEqualTo(204);
		assertThat(put(me(ada), "chat.last_session_per_agent", "{\"agt_viktor\":\"cht_a1b2\",\"n\":[1,true,null]}")
			.status()).isEqualTo(204);
		assertThat(put(me(ada), "chat.composer.send_on_enter", "false").status()).isEqualTo(204);
		assertThat(put(me(bob), "ui.theme", "\"light\"").status()).isEqualTo(204);
		// last write wins
		assertThat(put(me(ada), "ui.theme", "\"system\"").status()).isEqualTo(204);

		JsonNode prefs = me(ada).get("/api/v1/me/preferences").json();
		assertThat(prefs.get("ui.theme").asString()).isEqualTo("system");
		assertThat(prefs.get("crews.bottom_panel_height").isNumber()).isTrue();
		assertThat(prefs.get("crews.bottom_panel_height").asInt()).isEqualTo(220);
		assertThat(prefs.get("chat.last_session_per_agent").get("n").get(1).asBoolean()).isTrue();
		assertThat(prefs.get("chat.composer.send_on_enter").isBoolean()).isTrue();
		assertThat(me(bob).get("/api/v1/me/preferences").json().get("ui.theme").asString()).isEqualTo("light");

		assertThat(me(ada).delete("/api/v1/me/preferences/ui.theme").status()).isEqualTo(204);
		assertThat(me(ada).delete("/api/v1/me/preferences/ui.theme").status()).as("idempotent").isEqualTo(204);
		assertThat(me(ada).get("/api/v1/me/preferences").json().has("ui.theme")).isFalse();
		assertThat(me(bob).get("/api/v1/me/preferences").json().has("ui.theme")).isTrue();
	}

	@Test
	void badKeysBodiesAndOversizedValuesAreRefused() {
		User ada = newUser();
		assertProblem(put(me(ada), "bad%20key%21", "1"), 400);
		assertProblem(put(me(ada), "k".repeat(65), "1"), 400);
		assertProblem(put(me(ada), "ui.theme", ""), 400);
		assertProblem(put(me(ada), "ui.theme", "{not json"), 400);
		assertProblem(put(me(ada), "ui.theme", "1 2"), 400);
		assertProblem(put(me(ada), "ui.blob", "\"" + "x".repeat(16 * 1024) + "\""), 413);
		assertProblem(me(ada).delete("/api/v1/me/preferences/bad%20key"), 400);
		assertThat(me(ada).get("/api/v1/me/preferences").json().isEmpty()).as("nothing half-written").isTrue();
		assertProblem(this.http.get("/api/v1/me/preferences", IdentityAssertion.HEADER, TestIdentities.anonymous()),
				401);
	}

	@Test
	void theNumberOfKeysIsCapped() {
		User ada = newUser();
		for (int i = 0; i < 200; i++) {
			assertThat(put(me(ada), "k" + i, Integer.toString(i)).status()).isEqualTo(204);
		}
		assertProblem(put(me(ada), "one.more", "1"), 409);
		assertThat(put(me(ada), "k7", "\"replaced\"").status()).as("an existing key still updates").isEqualTo(204);
		assertThat(me(ada).get("/api/v1/me/preferences").json().size()).isEqualTo(200);
	}

	@Test
	void aPngAvatarIsStoredServedUnsniffedAndCleared() throws IOException {
		User member = newUser();
		addMember(member, "MEMBER");
		User stranger = newUser();
		byte[] png = png(32, 32);

		Upload uploaded = upload(this.owner, png, "me.png");
		assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(200);
		String url = uploaded.json().get("avatar_url").asString();
		assertThat(url).startsWith("/api/v1/users/" + this.owner.getId() + "/avatar?v=");
		assertThat(this.asOwner.get(members()).json().get(0).get("user").get("avatar_url").asString()).isEqualTo(url);
		String sessionId = SessionFlowTests.sessionIdOf(this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + this.owner.getEmail() + "\",\"password\":\"" + PASSWORD + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous()));
		assertThat(this.http
			.get("/api/auth/session", IdentityAssertion.HEADER, TestIdentities.session(this.owner.getId(), sessionId))
			.json()
			.get("user")
			.get("image")
			.asString()).as("the session's picture").isEqualTo(url);

		HttpResponse<byte[]> served = download(member, url);
		assertThat(served.statusCode()).isEqualTo(200);
		assertThat(served.body()).isEqualTo(png);
		assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
		assertThat(served.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(served.headers().firstValue("Content-Security-Policy"))
			.hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'").contains("sandbox"));
		assertThat(download(stranger, url).statusCode()).as("no shared workspace").isEqualTo(404);

		Response cleared = me(this.owner).delete("/api/v1/users/me/avatar");
		assertThat(cleared.status()).isEqualTo(200);
		assertThat(cleared.json().get("avatar_url").isNull()).isTrue();
		assertThat(download(member, url).statusCode()).isEqualTo(404);
	}

	@Test
	void anSvgAvatarIsSanitisedAndAnythingElseRefused() throws IOException {
		User ada = newUser();
		Upload svg = upload(ada,
				("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\">"
						+ "<!-- hi --><circle cx=\"4\" cy=\"4\" r=\"4\" fill=\"#0af\"/></svg>")
					.getBytes(StandardCharsets.UTF_8),
				"me.svg");
		assertThat(svg.status()).as(svg.body()).isEqualTo(200);
		HttpResponse<byte[]> served = download(ada, svg.json().get("avatar_url").asString());
		assertThat(served.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("image/svg+xml"));
		assertThat(new String(served.body(), StandardCharsets.UTF_8)).isEqualTo(
				"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 8 8\"><circle cx=\"4\" cy=\"4\" fill=\"#0af\" r=\"4\"/></svg>");

		assertThat(upload(ada, "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".getBytes(), "x.svg")
			.status()).isEqualTo(400);
		assertThat(upload(ada, "GIF89a-not-allowed".getBytes(), "x.gif").status()).isEqualTo(400);
		byte[] png = png(8, 8);
		assertThat(upload(ada, java.util.Arrays.copyOf(png, png.length - 3), "cut.png").status()).isEqualTo(400);
		assertThat(upload(ada, png(5000, 2), "huge.png").status()).isEqualTo(400);
		// the refusals left the stored SVG alone
		assertThat(download(ada, svg.json().get("avatar_url").asString()).statusCode()).isEqualTo(200);
	}

	private static void assertProblem(Response response, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	record Upload(int status, String body, JsonNode json) {
	}

	/** A browser's multipart upload with one {@code file} part. */
	private Upload upload(User user, byte[] content, String filename) {
		String boundary = "----crewship" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
				+ "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.writeBytes(content);
		body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		String path = "/api/v1/users/me/avatar";
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.header(IdentityAssertion.HEADER, TestIdentities.session(user.getId(), "s-" + user.getId()))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build();
		HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
		ReferenceSchemas.shared()
			.assertConforms("POST", path, response.statusCode(),
					response.headers().firstValue("Content-Type").orElse(null), response.body());
		return new Upload(response.statusCode(), response.body(), JSON.readTree(response.body()));
	}

	private HttpResponse<byte[]> download(User user, String url) {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + url))
			.header(IdentityAssertion.HEADER, TestIdentities.session(user.getId(), "s-" + user.getId()))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
		try {
			return this.client.send(request, handler);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] png(int width, int height) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
		return out.toByteArray();
	}

}
