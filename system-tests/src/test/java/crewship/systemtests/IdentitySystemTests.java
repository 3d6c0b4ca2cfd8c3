package crewship.systemtests;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import java.util.function.Supplier;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.devstack.Suite;
import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The four client credentials through the gateway: for each, valid, expired, tampered,
 * signed with the wrong key, revoked, and used on the wrong route, each with the status a
 * client sees.
 */
class IdentitySystemTests {

	static final String PASSWORD = "correct-horse-battery";

	static Suite suite;

	static String gateway;

	@BeforeAll
	static void startSuite() {
		suite = RunningSuite.get();
		gateway = suite.gatewayUrl();
	}

	/** A user signed up and signed in through the gateway. */
	record SignedIn(String email, String cookie, String sessionId, String userId) {

		String cookieHeader() {
			return "authjs.session-token=" + this.cookie;
		}

	}

	/** Usable from any class: it does not rely on this class's {@code @BeforeAll}. */
	static SignedIn signUpAndIn() {
		return signUpAndIn(RunningSuite.get().gatewayUrl());
	}

	/** On the suite behind {@code gateway} (a drill's own suite). */
	static SignedIn signUpAndIn(String gateway) {
		String email = "user-" + UUID.randomUUID() + "@example.com";
		Response signup = Client.post(gateway + "/api/v1/auth/signup",
				"{\"full_name\":\"Sam Tester\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
		assertThat(signup.status()).as(signup.body()).isEqualTo(202);
		Response signIn = Client.post(gateway + "/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}");
		assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
		String setCookie = signIn.header("Set-Cookie");
		String jwt = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
		try {
			JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
			return new SignedIn(email, jwt, claims.getStringClaim("sid"), claims.getSubject());
		}
		catch (java.text.ParseException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String mintCliToken(SignedIn user, String extraJson) {
		Response created = Client.post(gateway + "/api/v1/auth/cli-token", "{\"name\":\"matrix\"" + extraJson + "}",
				"Cookie", user.cookieHeader());
		assertThat(created.status()).as(created.body()).isEqualTo(200);
		return created.json().get("token").asString() + " " + created.json().get("id").asString();
	}

	static String wsToken(SignedIn user) {
		Response token = Client.get(gateway + "/api/v1/ws-token", "Cookie", user.cookieHeader());
		assertThat(token.status()).as(token.body()).isEqualTo(200);
		return token.json().get("token").asString();
	}

	/** A JWT as auth-service would mint it, signed with the given key. */
	static String authJwt(ECKey key, String userId, String sessionId, String use, Instant expires) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
				new JWTClaimsSet.Builder().issuer("crewship-auth")
					.subject(userId)
					.claim("sid", sessionId)
					.claim("use", use)
					.issueTime(Date.from(expires.minusSeconds(120)))
					.expirationTime(Date.from(expires))
					.build());
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	static ECKey authKey() throws Exception {
		return ECKey.parse(Files.readString(RunningSuite.DATA_DIR.resolve("secrets/auth-signing-key.jwk")));
	}

	static String tamper(String token) {
		char last = token.charAt(token.length() - 2);
		return token.substring(0, token.length() - 2) + ((last == 'A') ? 'B' : 'A') + token.charAt(token.length() - 1);
	}

	/** Polls until the status changes to {@code expected}; @return how long it took */
	static Duration awaitStatus(int expected, Supplier<Response> request) throws InterruptedException {
		long start = System.nanoTime();
		while (System.nanoTime() - start < Duration.ofSeconds(15).toNanos()) {
			if (request.get().status() == expected) {
				return Duration.ofNanos(System.nanoTime() - start);
			}
			Thread.sleep(100);
		}
		throw new AssertionError("status never became " + expected);
	}

	@Test
	void sessionCookieMatrix() throws Exception {
		SignedIn user = signUpAndIn();
		String sessions = gateway + "/api/v1/auth/sessions";
		assertThat(Client.get(sessions, "Cookie", user.cookieHeader()).status()).as("valid").isEqualTo(200);
		assertThat(Client
			.get(sessions, "Cookie",
					"authjs.session-token=" + authJwt(authKey(), user.userId(), user.sessionId(), "session",
							Instant.now().minusSeconds(60)))
			.status()).as("expired").isEqualTo(401);
		assertThat(Client.get(sessions, "Cookie", "authjs.session-token=" + tamper(user.cookie())).status())
			.as("tampered")
			.isEqualTo(401);
		ECKey forger = new ECKeyGenerator(Curve.P_256).keyID(authKey().getKeyID()).generate();
		assertThat(Client
			.get(sessions, "Cookie",
					"authjs.session-token=" + authJwt(forger, user.userId(), user.sessionId(), "session",
							Instant.now().plusSeconds(600)))
			.status()).as("wrong key").isEqualTo(401);
		assertThat(Client.get(gateway + "/ws?token=" + user.cookie()).status()).as("wrong route: as a WebSocket token")
			.isEqualTo(401);
		assertThat(Client.get(sessions, "Authorization", "Bearer " + user.cookie()).status())
			.as("wrong route: as a bearer token")
			.isEqualTo(401);

		assertThat(Client.post(gateway + "/api/auth/signout", "{}", "Cookie", user.cookieHeader()).status())
			.isEqualTo(200);
		Duration took = awaitStatus(401, () -> Client.get(sessions, "Cookie", user.cookieHeader()));
		assertThat(took).as("revoked on sign-out").isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void cliTokenMatrix() throws Exception {
		SignedIn user = signUpAndIn();
		String[] minted = mintCliToken(user, "").split(" ");
		String token = minted[0];
		String validate = gateway + "/api/v1/auth/cli-token/validate";
		assertThat(Client.get(validate, "Authorization", "Bearer " + token).status()).as("valid").isEqualTo(200);
		assertThat(Client.get(validate, "Authorization", "Bearer " + tamper(token)).status()).as("tampered")
			.isEqualTo(401);
		assertThat(Client.get(validate, "Authorization", "Bearer crewship_cli_" + "ab".repeat(32)).status())
			.as("never issued (an opaque token has no key to be wrong)")
			.isEqualTo(401);
		assertThat(Client.get(gateway + "/ws?token=" + token).status()).as("wrong route: at the WebSocket handshake")
			.isEqualTo(401);
		assertThat(
				Client.get(suite.gatewayInternalUrl() + "/api/v1/internal/memberships/x/y", "X-Internal-Token", token)
					.status())
			.as("wrong route: as the internal token")
			.isEqualTo(401);

		String[] expiring = mintCliToken(user, ",\"expires_in_seconds\":3600").split(" ");
		assertThat(Client.get(validate, "Authorization", "Bearer " + expiring[0]).status()).isEqualTo(200);
		expireInDatabase(expiring[1]);
		assertThat(awaitStatus(401, () -> Client.get(validate, "Authorization", "Bearer " + expiring[0]))).as("expired")
			.isLessThan(Duration.ofSeconds(5));

		assertThat(Client
			.send("DELETE", gateway + "/api/v1/auth/cli-tokens/" + minted[1], null, "Cookie", user.cookieHeader())
			.status()).isEqualTo(200);
		assertThat(awaitStatus(401, () -> Client.get(validate, "Authorization", "Bearer " + token))).as("revoked")
			.isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void wsTokenMatrix() throws Exception {
		SignedIn user = signUpAndIn();
		String token = wsToken(user);
		// a valid token gets past the gateway to realtime-service, which refuses a plain
		// GET (no WebSocket upgrade) with 400
		assertThat(Client.get(gateway + "/ws?token=" + token).status()).as("valid").isEqualTo(400);
		assertThat(Client
			.get(gateway + "/ws?token="
					+ authJwt(authKey(), user.userId(), user.sessionId(), "ws", Instant.now().minusSeconds(5)))
			.status()).as("expired").isEqualTo(401);
		assertThat(Client.get(gateway + "/ws?token=" + tamper(token)).status()).as("tampered").isEqualTo(401);
		ECKey forger = new ECKeyGenerator(Curve.P_256).keyID(authKey().getKeyID()).generate();
		assertThat(Client
			.get(gateway + "/ws?token="
					+ authJwt(forger, user.userId(), user.sessionId(), "ws", Instant.now().plusSeconds(30)))
			.status()).as("wrong key").isEqualTo(401);
		assertThat(Client.get(gateway + "/api/v1/auth/sessions", "Cookie", "authjs.session-token=" + token).status())
			.as("wrong route: as a session cookie")
			.isEqualTo(401);
		assertThat(Client.get(gateway + "/api/v1/auth/sessions", "Authorization", "Bearer " + token).status())
			.as("wrong route: as a bearer token")
			.isEqualTo(401);

		Client.post(gateway + "/api/auth/signout", "{}", "Cookie", user.cookieHeader());
		assertThat(awaitStatus(401, () -> Client.get(gateway + "/ws?token=" + token))).as("revoked with its session")
			.isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void internalTokenMatrix() throws Exception {
		String token = Files.readString(RunningSuite.DATA_DIR.resolve("secrets/internal-token")).trim();
		String membership = suite.gatewayInternalUrl() + "/api/v1/internal/memberships/ws-x/user-y";
		Response valid = Client.get(membership, "X-Internal-Token", token);
		assertThat(valid.status()).as("valid: reaches auth-service, which knows no such membership").isEqualTo(404);
		assertThat(valid.json().get("detail").asString()).isEqualTo("Not a member");
		assertThat(Client.get(membership, "X-Internal-Token", tamper(token)).status()).as("tampered").isEqualTo(401);
		assertThat(Client.get(membership, "X-Internal-Token", "0".repeat(64)).status()).as("wrong secret")
			.isEqualTo(401);
		assertThat(Client.get(gateway + "/api/v1/internal/memberships/ws-x/user-y", "X-Internal-Token", token).status())
			.as("wrong route: the public port")
			.isEqualTo(404);
		assertThat(Client.get(gateway + "/api/v1/auth/sessions", "X-Internal-Token", token).status())
			.as("wrong route: grants nothing on the public port")
			.isEqualTo(401);
		// A configured secret neither expires nor is revoked one by one: it is rotated by
		// restarting with a new one.
	}

	@Test
	void revokingACliTokenOnOneGatewayIsHonouredByAnotherWithinFiveSeconds() throws Exception {
		String second = suite.startExtraGateway(50);
		SignedIn user = signUpAndIn();
		String[] minted = mintCliToken(user, "").split(" ");
		String bearer = "Bearer " + minted[0];
		assertThat(Client.get(second + "/api/v1/auth/cli-token/validate", "Authorization", bearer).status())
			.isEqualTo(200);
		assertThat(
				Client.send("DELETE", gateway + "/api/v1/auth/cli-tokens/" + minted[1], null, "Authorization", bearer)
					.status())
			.isEqualTo(200);
		Duration took = awaitStatus(401,
				() -> Client.get(second + "/api/v1/auth/cli-token/validate", "Authorization", bearer));
		assertThat(took).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void rbacThroughTheGateway() {
		SignedIn owner = signUpAndIn();
		SignedIn stranger = signUpAndIn();
		String workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
		assertThat(
				Client.get(gateway + "/api/v1/workspaces/" + workspaceId, "Cookie", stranger.cookieHeader()).status())
			.as("another workspace is not found, not forbidden")
			.isEqualTo(404);
		assertThat(Client
			.post(gateway + "/api/v1/workspaces/" + workspaceId + "/members",
					"{\"user_id\":\"" + stranger.userId() + "\",\"role\":\"VIEWER\"}", "Cookie", owner.cookieHeader())
			.status()).isEqualTo(201);
		assertThat(Client
			.post(gateway + "/api/v1/workspaces/" + workspaceId + "/members",
					"{\"user_id\":\"" + owner.userId() + "\"}", "Cookie", stranger.cookieHeader())
			.status()).as("a VIEWER cannot add members").isEqualTo(403);
	}

	@Test
	void cookieAuthenticatedChangesFromAnotherSiteAreRefused() {
		SignedIn user = signUpAndIn();
		String url = gateway + "/api/v1/auth/cli-token";
		Response crossSite = Client.post(url, "{}", "Cookie", user.cookieHeader(), "Origin", "https://evil.example");
		assertThat(crossSite.status()).isEqualTo(403);
		assertThat(crossSite.header("Content-Type")).startsWith("application/problem+json");
		assertThat(Client.post(url, "{}", "Cookie", user.cookieHeader(), "Origin", gateway).status()).as("same origin")
			.isEqualTo(200);
		assertThat(Client
			.get(gateway + "/api/v1/auth/sessions", "Cookie", user.cookieHeader(), "Origin", "https://evil.example")
			.status()).as("reads are not state changes").isEqualTo(200);
	}

	private static void expireInDatabase(String tokenId) throws Exception {
		try (Connection connection = DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:5432/" + RunningSuite.DB_PREFIX + "_auth", "postgres", "");
				PreparedStatement update = connection
					.prepareStatement("update cli_tokens set expires_at = now() - interval '1 second' where id = ?")) {
			update.setString(1, tokenId);
			assertThat(update.executeUpdate()).isEqualTo(1);
		}
	}

}
