package crewship.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/auth/token/refresh}: rotation, reuse detection, cookie hygiene. */
class RefreshTokenTests extends AuthTestSupport {

	private Response signIn(User user) {
		return this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + user.getEmail() + "\",\"password\":\"" + PASSWORD + "\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
	}

	private Response refresh(String refreshToken, String... extraHeaders) {
		String[] headers = new String[4 + extraHeaders.length];
		headers[0] = IdentityAssertion.HEADER;
		headers[1] = TestIdentities.anonymous();
		headers[2] = "Cookie";
		headers[3] = "refresh-token=" + refreshToken;
		System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
		return this.http.send("POST", "/api/auth/token/refresh", null, null, headers);
	}

	static String cookie(Response response, String name) {
		List<String> cookies = response.headers().getOrDefault("set-cookie", List.of());
		return cookies.stream()
			.filter(cookie -> cookie.startsWith(name + "="))
			.findFirst()
			.map(cookie -> cookie.substring(name.length() + 1, cookie.indexOf(';')))
			.orElse(null);
	}

	static String rawCookie(Response response, String name) {
		return response.headers()
			.getOrDefault("set-cookie", List.of())
			.stream()
			.filter(cookie -> cookie.startsWith(name + "="))
			.findFirst()
			.orElse(null);
	}

	@Test
	void signInSetsAPathScopedRefreshCookie() {
		Response signIn = signIn(newUser());
		assertThat(rawCookie(signIn, "refresh-token")).contains("Path=/api/auth/token/refresh")
			.contains("HttpOnly")
			.contains("SameSite=Lax");
	}

	@Test
	void refreshRotatesBothTokensAndTheNewSessionTokenWorks() {
		User user = newUser();
		Response signIn = signIn(user);
		String firstRefresh = cookie(signIn, "refresh-token");

		Response refreshed = refresh(firstRefresh);
		assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
		String secondRefresh = cookie(refreshed, "refresh-token");
		assertThat(secondRefresh).isNotBlank().isNotEqualTo(firstRefresh);
		assertThat(cookie(refreshed, "authjs.session-token")).isNotBlank();

		// the session behind both is the same and still live
		String sessionId = SessionFlowTests.sessionIdOf(signIn);
		Response session = this.http.get("/api/auth/session", IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), sessionId));
		assertThat(session.json().get("user").get("id").asString()).isEqualTo(user.getId());

		// and the rotated token rotates again
		assertThat(refresh(secondRefresh).status()).isEqualTo(200);
	}

	@Test
	void replayingARotatedRefreshTokenRevokesTheWholeSession() {
		User user = newUser();
		Response signIn = signIn(user);
		String sessionId = SessionFlowTests.sessionIdOf(signIn);
		String stolen = cookie(signIn, "refresh-token");
		String current = cookie(refresh(stolen), "refresh-token");

		Response replay = refresh(stolen);
		assertThat(replay.status()).isEqualTo(401);
		assertThat(replay.header("Content-Type")).startsWith("application/problem+json");
		assertThat(rawCookie(replay, "refresh-token")).contains("Max-Age=0");
		assertThat(rawCookie(replay, "authjs.session-token")).contains("Max-Age=0");

		// the legitimate holder is out too: the session is gone
		assertThat(refresh(current).status()).isEqualTo(401);
		assertThat(this.http
			.get("/api/auth/session", IdentityAssertion.HEADER, TestIdentities.session(user.getId(), sessionId))
			.body()).isEqualTo("{}");
	}

	@Test
	void missingTamperedOrSessionTokensAreRefused() {
		Response signIn = signIn(newUser());
		String refresh = cookie(signIn, "refresh-token");
		String tampered = refresh.substring(0, refresh.length() - 4) + "AAAA";
		assertThat(refresh(tampered).status()).isEqualTo(401);
		// a session token is not a refresh token
		assertThat(refresh(cookie(signIn, "authjs.session-token")).status()).isEqualTo(401);
		Response none = this.http.send("POST", "/api/auth/token/refresh", null, null, IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(none.status()).isEqualTo(401);
		// the untouched token still works: failures above did not burn it
		assertThat(refresh(refresh).status()).isEqualTo(200);
	}

	@Test
	void crossOriginRefreshIs403AndKeepsTheToken() {
		Response signIn = signIn(newUser());
		String refresh = cookie(signIn, "refresh-token");
		Response cross = refresh(refresh, "Origin", "https://evil.example", "X-Forwarded-Host", "crewship.example");
		assertThat(cross.status()).isEqualTo(403);
		Response same = refresh(refresh, "Origin", "https://crewship.example", "X-Forwarded-Host", "crewship.example");
		assertThat(same.status()).isEqualTo(200);
		Response allowed = refresh(cookie(same, "refresh-token"), "Origin", "https://app.crewship.example",
				"X-Forwarded-Host", "crewship.example");
		assertThat(allowed.status()).as("an allowed origin (CREWSHIP_ALLOWED_ORIGINS)").isEqualTo(200);
	}

	@Test
	void signOutAlsoClearsTheRefreshCookieAndTheTokenDiesWithTheSession() {
		User user = newUser();
		Response signIn = signIn(user);
		String refresh = cookie(signIn, "refresh-token");
		Response signOut = this.http.send("POST", "/api/auth/signout", null, null, IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), SessionFlowTests.sessionIdOf(signIn)));
		assertThat(rawCookie(signOut, "refresh-token")).contains("Max-Age=0");
		assertThat(refresh(refresh).status()).isEqualTo(401);
	}

}
