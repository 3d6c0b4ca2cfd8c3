package crewship.gateway.identity;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.identity.AuthServiceTokens;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway accepts auth-service's tokens for their own use only, and nothing else. */
class AuthTokensTests {

	ECKey authKey;

	HttpServer jwks;

	AuthTokens tokens;

	@BeforeEach
	void publishKeys() throws Exception {
		this.authKey = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).keyID("auth-1").generate();
		byte[] body = new JWKSet(this.authKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
		this.jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.jwks.createContext("/", exchange -> {
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.jwks.start();
		this.tokens = new AuthTokens(URI.create("http://127.0.0.1:" + this.jwks.getAddress().getPort() + "/jwks"));
	}

	@AfterEach
	void stop() {
		this.jwks.stop(0);
	}

	String mint(ECKey key, String use, Instant expires) throws Exception {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
				new JWTClaimsSet.Builder().issuer("crewship-auth")
					.subject("user-1")
					.claim("sid", "session-1")
					.claim("use", use)
					.issueTime(new Date())
					.expirationTime(Date.from(expires))
					.build());
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	@Test
	void sessionCookieIsAcceptedAsSessionOnly() throws Exception {
		String cookie = mint(this.authKey, "session", Instant.now().plusSeconds(600));
		assertThat(this.tokens.sessionCookie(cookie).block())
			.isEqualTo(new AuthServiceTokens.Claims("user-1", "session-1"));
		assertThat(this.tokens.wsToken(cookie).block()).isNull();
	}

	@Test
	void wsTokenIsAcceptedAsWsOnly() throws Exception {
		String ws = mint(this.authKey, "ws", Instant.now().plusSeconds(60));
		assertThat(this.tokens.wsToken(ws).block()).isNotNull();
		assertThat(this.tokens.sessionCookie(ws).block()).isNull();
	}

	@Test
	void expiredForgedAndGarbageAreRefused() throws Exception {
		assertThat(this.tokens.sessionCookie(mint(this.authKey, "session", Instant.now().minusSeconds(10))).block())
			.isNull();
		ECKey forger = new ECKeyGenerator(Curve.P_256).keyID("auth-1").generate();
		assertThat(this.tokens.sessionCookie(mint(forger, "session", Instant.now().plusSeconds(600))).block()).isNull();
		assertThat(this.tokens.sessionCookie("not.a.jwt").block()).isNull();
	}

	@Test
	void theKeysAreReadFromAnotherReplicaWhenTheFirstIsGone() throws Exception {
		// a port nothing listens on: auth-service's first replica, stopped
		int gone;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			gone = socket.getLocalPort();
		}
		URI live = URI.create("http://127.0.0.1:" + this.jwks.getAddress().getPort() + "/jwks");
		AuthTokens failingOver = new AuthTokens(
				() -> java.util.List.of(URI.create("http://127.0.0.1:" + gone + "/jwks"), live));

		String cookie = mint(this.authKey, "session", Instant.now().plusSeconds(600));
		assertThat(failingOver.sessionCookie(cookie).block())
			.isEqualTo(new AuthServiceTokens.Claims("user-1", "session-1"));
	}

	@SuppressWarnings("unused")
	private static void ignore(IOException ex) {
	}

}
