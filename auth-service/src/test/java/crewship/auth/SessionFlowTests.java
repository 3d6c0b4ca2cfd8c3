package crewship.auth;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/** Sign-in with a password, the NextAuth cookie, and the life of a session. */
class SessionFlowTests extends AuthTestSupport {

	private Response signIn(String email, String password, String... headers) {
		return this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", headers);
	}

	static String sessionIdOf(Response signIn) {
		String cookie = signIn.header("Set-Cookie");
		String jwt = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
		String payload = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
		return payload.replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
	}

	@Test
	void signInSetsTheHttpOnlySessionCookieForThirtyDays() {
		User user = newUser();
		Response response = signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		String cookie = response.header("Set-Cookie");
		assertThat(cookie).startsWith("authjs.session-token=")
			.contains("HttpOnly")
			.contains("SameSite=Lax")
			.contains("Max-Age=2592000")
			.doesNotContain("Secure;");
	}

	@Test
	void behindHttpsTheCookieIsSecurePrefixed() {
		User user = newUser();
		Response response = signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER, TestIdentities.anonymous(),
				"X-Forwarded-Proto", "https");
		assertThat(response.header("Set-Cookie")).startsWith("__Secure-authjs.session-token=").contains("Secure");
	}

	@Test
	void formLoginWorksToo() {
		User user = newUser();
		Response response = this.http.send("POST", "/api/auth/callback/credentials",
				"application/x-www-form-urlencoded",
				"email=" + user.getEmail() + "&password=" + PASSWORD + "&callbackUrl=/crews", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("url").asString()).isEqualTo("/crews");
	}

	@Test
	void wrongPasswordAndUnknownEmailAreTheSame401() {
		User user = newUser();
		Response wrong = signIn(user.getEmail(), "not-the-password", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		Response unknown = signIn("nobody-" + user.getId() + "@example.com", PASSWORD, IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(unknown.status()).isEqualTo(401);
		assertThat(wrong.json().get("detail")).isEqualTo(unknown.json().get("detail"));
		assertThat(wrong.header("Set-Cookie")).isNull();
	}

	@Test
	void sessionEndpointShowsTheUserUntilSignOutRevokesIt() {
		User user = newUser();
		String sessionId = sessionIdOf(
				signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER, TestIdentities.anonymous()));
		String asSession = TestIdentities.session(user.getId(), sessionId);

		Response session = this.http.get("/api/auth/session", IdentityAssertion.HEADER, asSession);
		assertThat(session.json().get("user").get("email").asString()).isEqualTo(user.getEmail());

		Response signOut = this.http.postJson("/api/auth/signout", "{}", IdentityAssertion.HEADER, asSession);
		assertThat(signOut.status()).isEqualTo(200);
		assertThat(signOut.header("Set-Cookie")).contains("Max-Age=0");

		assertThat(this.http.get("/api/auth/session", IdentityAssertion.HEADER, asSession).body()).isEqualTo("{}");
		assertThat(this.http
			.get("/api/v1/internal/auth/sessions/" + sessionId, IdentityAssertion.HEADER, TestIdentities.internal())
			.status()).as("the gateway learns the session is gone").isEqualTo(404);
	}

	@Test
	void sessionsAreListedAndOnlyTheOwnerCanRevokeThem() {
		User user = newUser();
		String first = sessionIdOf(signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER,
				TestIdentities.anonymous(), "User-Agent", "laptop"));
		String second = sessionIdOf(
				signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER, TestIdentities.anonymous()));
		String asFirst = TestIdentities.session(user.getId(), first);

		Response list = this.http.get("/api/v1/auth/sessions", IdentityAssertion.HEADER, asFirst);
		assertThat(list.json().valueStream().map(s -> s.get("id").asString())).contains(first, second);
		assertThat(list.json().valueStream().filter(s -> s.get("is_current").asBoolean()).toList()).hasSize(1);

		User stranger = newUser();
		assertThat(this.http
			.postJson("/api/v1/auth/sessions/" + second + "/revoke", "{}", IdentityAssertion.HEADER,
					TestIdentities.session(stranger.getId(), "s-x"))
			.status()).isEqualTo(404);
		Response revoked = this.http.postJson("/api/v1/auth/sessions/" + second + "/revoke", "{}",
				IdentityAssertion.HEADER, asFirst);
		assertThat(revoked.json().get("ok").asBoolean()).isTrue();
		assertThat(this.http
			.get("/api/v1/internal/auth/sessions/" + second, IdentityAssertion.HEADER, TestIdentities.internal())
			.status()).isEqualTo(404);
		assertThat(this.http
			.get("/api/v1/internal/auth/sessions/" + first, IdentityAssertion.HEADER, TestIdentities.internal())
			.status()).isEqualTo(200);
	}

	@Test
	void wsTokenNeedsASessionOrACliTokenAndLivesAMinute() {
		User user = newUser();
		String sessionId = sessionIdOf(
				signIn(user.getEmail(), PASSWORD, IdentityAssertion.HEADER, TestIdentities.anonymous()));
		Response token = this.http.get("/api/v1/ws-token", IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), sessionId));
		assertThat(token.status()).isEqualTo(200);
		assertThat(token.json().get("expires_in").asInt()).isLessThanOrEqualTo(60);
		assertThat(this.http.get("/api/v1/ws-token", IdentityAssertion.HEADER, TestIdentities.anonymous()).status())
			.isEqualTo(401);
	}

	@Test
	void aCliTokensWsTokenLivesAsLongAsTheCliToken() {
		User user = newUser();
		Response minted = this.http.postJson("/api/v1/auth/cli-token", "{\"name\":\"cli\"}", IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), "s1"));
		String tokenId = minted.json().get("id").asString();
		Response token = this.http.get("/api/v1/ws-token", IdentityAssertion.HEADER,
				TestIdentities.cli(user.getId(), tokenId));
		assertThat(token.status()).as(token.body()).isEqualTo(200);
		Response live = this.http.get("/api/v1/internal/auth/sessions/" + tokenId, IdentityAssertion.HEADER,
				TestIdentities.internal());
		assertThat(live.status()).as("the gateway and realtime ask this for the WebSocket token").isEqualTo(200);
		assertThat(live.json().get("user_id").asString()).isEqualTo(user.getId());
		assertThat(this.http
			.delete("/api/v1/auth/cli-tokens/" + tokenId, IdentityAssertion.HEADER,
					TestIdentities.session(user.getId(), "s1"))
			.status()).isEqualTo(200);
		assertThat(this.http
			.get("/api/v1/internal/auth/sessions/" + tokenId, IdentityAssertion.HEADER, TestIdentities.internal())
			.status()).as("revoking the CLI token ends its WebSocket tokens").isEqualTo(404);
	}

	@Test
	void internalEndpointsAnswerOnlyInternalCallers() {
		User user = newUser();
		assertThat(this.http
			.get("/api/v1/internal/auth/sessions/anything", IdentityAssertion.HEADER, TestIdentities.user(user.getId()))
			.status()).isEqualTo(404);
		Response jwks = this.http.get("/api/v1/internal/auth/jwks");
		assertThat(jwks.status()).as("public keys need no assertion").isEqualTo(200);
		assertThat(jwks.json().get("keys").get(0).has("d")).isFalse();
	}

}
