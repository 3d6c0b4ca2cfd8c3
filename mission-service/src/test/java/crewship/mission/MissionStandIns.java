package crewship.mission;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The gateway's internal listener as mission-service's tests see it: the services behind
 * it cannot run in this JVM (the system tests drive the real ones). By default every path
 * answers 404 — so a membership lookup on a replica miss says "no such member", as
 * auth-service does for a stranger. A test may {@link #answer} a path prefix with its own
 * JSON (e.g. a vault's credential resolution).
 */
public class MissionStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** An answer of the stand-in: status and JSON body. */
	public record Answer(int status, String json) {
	}

	private static final Map<String, Function<HttpExchange, Answer>> answers = new ConcurrentHashMap<>();

	private static HttpServer internal;

	/** Answers requests whose path starts with the prefix (the longest prefix wins). */
	public static void answer(String pathPrefix, Function<HttpExchange, Answer> answer) {
		answers.put(pathPrefix, answer);
	}

	static synchronized int internalPort() {
		if (internal == null) {
			try {
				internal = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			internal.createContext("/", MissionStandIns::handle);
			internal.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> internal.stop(0), "internal-stand-in-stop"));
		}
		return internal.getAddress().getPort();
	}

	private static void handle(HttpExchange exchange) throws IOException {
		String path = exchange.getRequestURI().getPath();
		Answer answer = answers.entrySet()
			.stream()
			.filter(entry -> path.startsWith(entry.getKey()))
			.max(Map.Entry.comparingByKey((a, b) -> Integer.compare(a.length(), b.length())))
			.map(entry -> entry.getValue().apply(exchange))
			.orElse(new Answer(404, "{\"status\":404,\"detail\":\"No endpoint\"}"));
		byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders()
			.set("Content-Type", (answer.status() >= 400) ? "application/problem+json" : "application/json");
		exchange.sendResponseHeaders(answer.status(), bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("missionTestStandIns",
					Map.of("crewship.internal.base-url", "http://127.0.0.1:" + internalPort())));
	}

}
