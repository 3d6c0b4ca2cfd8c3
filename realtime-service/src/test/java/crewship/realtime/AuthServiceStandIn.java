package crewship.realtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
 * A contract stand-in for the gateway's internal listener (the real one is exercised in
 * system-tests): auth-service's JWKS, its session-liveness answer and a membership lookup
 * that knows no one; crew-service's crew and agent workspace lookups, which can be made
 * to fail (503, as the gateway's fallback answers) or hang. Each requires the internal
 * token. Only the endpoints realtime-service calls, with their documented shapes.
 */
final class AuthServiceStandIn {

	static final String INTERNAL_TOKEN = "test-internal-token";

	private static final ECKey KEY = generate();

	private static final Map<String, String> LIVE_SESSIONS = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> SESSION_FAILURES = new ConcurrentHashMap<>();

	private static final Map<String, String> ENTITIES = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> LOOKUPS = new ConcurrentHashMap<>();

	private static final Set<String> FAILING = ConcurrentHashMap.newKeySet();

	private static final Set<String> HANGING = ConcurrentHashMap.newKeySet();

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

	/**
	 * The next {@code times} questions on the session are answered 503, as under
	 * overload.
	 */
	static void failSessionLookups(String sessionId, int times) {
		SESSION_FAILURES.put(sessionId, new AtomicInteger(times));
	}

	static void revoke(String sessionId) {
		LIVE_SESSIONS.remove(sessionId);
	}

	/**
	 * crew-service knows the crew (or agent), mission-service the chat, as belonging to
	 * the workspace.
	 */
	static void entity(String kind, String id, String workspaceId) {
		ENTITIES.put(kind + "/" + id, workspaceId);
	}

	/** How often realtime-service asked about that crew (or agent). */
	static int lookups(String kind, String id) {
		AtomicInteger count = LOOKUPS.get(kind + "/" + id);
		return (count != null) ? count.get() : 0;
	}

	/** Lookups of that id answer 503 until {@link #recover}. */
	static void failing(String id) {
		FAILING.add(id);
	}

	/** Lookups of that id answer only after 5 s (longer than realtime waits). */
	static void hanging(String id) {
		HANGING.add(id);
	}

	static void recover(String id) {
		FAILING.remove(id);
		HANGING.remove(id);
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
					AtomicInteger failures = SESSION_FAILURES.get(sessionId);
					if (failures != null && failures.getAndDecrement() > 0) {
						answer(exchange, 503, "{\"status\":503,\"detail\":\"auth-service is at capacity\"}");
						return;
					}
					String userId = LIVE_SESSIONS.get(sessionId);
					answer(exchange, (userId != null) ? 200 : 404, (userId != null)
							? "{\"session_id\":\"" + sessionId + "\",\"user_id\":\"" + userId + "\"}" : "{}");
				}
				else if (path.startsWith("/api/v1/internal/crews/") || path.startsWith("/api/v1/internal/agents/")
						|| path.startsWith("/api/v1/internal/chats/")) {
					lookup(exchange, path.substring("/api/v1/internal/".length()));
				}
				else {
					answer(exchange, 404, "{}");
				}
			}
		});
		// one thread per request: a hanging lookup must not hold up the others
		server.setExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory()));
		server.start();
	}

	private static void lookup(HttpExchange exchange, String entity) throws IOException {
		LOOKUPS.computeIfAbsent(entity, key -> new AtomicInteger()).incrementAndGet();
		String id = entity.substring(entity.indexOf('/') + 1);
		if (HANGING.contains(id)) {
			try {
				Thread.sleep(5000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (FAILING.contains(id)) {
			answer(exchange, 503, "{\"status\":503,\"detail\":\"crew-service is unavailable\"}");
			return;
		}
		String workspaceId = ENTITIES.get(entity);
		answer(exchange, (workspaceId != null) ? 200 : 404, (workspaceId != null)
				? "{\"id\":\"" + id + "\",\"workspace_id\":\"" + workspaceId + "\"}" : "{\"status\":404}");
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
