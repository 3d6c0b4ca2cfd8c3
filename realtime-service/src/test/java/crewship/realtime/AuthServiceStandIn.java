package crewship.realtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A contract stand-in for the gateway's internal listener in front of auth-service (the
 * real one is exercised in system-tests): its JWKS, its session-liveness answer and a
 * membership lookup that knows no one, each requiring the internal token. Only the three
 * endpoints realtime-service calls, with their documented shapes.
 */
final class AuthServiceStandIn {

	static final String INTERNAL_TOKEN = "test-internal-token";

	private static final ECKey KEY = generate();

	private static final Map<String, String> LIVE_SESSIONS = new ConcurrentHashMap<>();

	private static HttpServer server;

	private AuthServiceStandIn() {
	}

	static synchronized String url() {
		if (server == null) {
			start();
		}
		return "http://127.0.0.1:" + server.getAddress().getPort();
	}

	static void live(String sessionId, String userId) {
		LIVE_SESSIONS.put(sessionId, userId);
	}

	static void revoke(String sessionId) {
		LIVE_SESSIONS.remove(sessionId);
	}

	/** A WebSocket token as auth-service mints it. */
	static String wsToken(String userId, String sessionId) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(KEY.getKeyID()).build(),
					new JWTClaimsSet.Builder().issuer("crewship-auth")
						.subject(userId)
						.claim("sid", sessionId)
						.claim("use", "ws")
						.issueTime(new Date())
						.expirationTime(Date.from(Instant.now().plusSeconds(60)))
						.build());
			jwt.sign(new ECDSASigner(KEY));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void start() {
		try {
			server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		server.createContext("/api/v1/internal/", exchange -> {
			try (exchange) {
				if (!INTERNAL_TOKEN.equals(exchange.getRequestHeaders().getFirst("X-Internal-Token"))) {
					answer(exchange, 401, "{}");
					return;
				}
				String path = exchange.getRequestURI().getPath();
				if (path.equals("/api/v1/internal/auth/jwks")) {
					answer(exchange, 200, new JWKSet(KEY.toPublicJWK()).toString(true));
				}
				else if (path.startsWith("/api/v1/internal/auth/sessions/")) {
					String sessionId = path.substring(path.lastIndexOf('/') + 1);
					String userId = LIVE_SESSIONS.get(sessionId);
					answer(exchange, (userId != null) ? 200 : 404, (userId != null)
							? "{\"session_id\":\"" + sessionId + "\",\"user_id\":\"" + userId + "\"}" : "{}");
				}
				else {
					answer(exchange, 404, "{}");
				}
			}
		});
		server.start();
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static ECKey generate() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID("auth-test").generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
