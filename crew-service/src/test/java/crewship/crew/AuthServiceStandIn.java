package crewship.crew;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Stands in for the gateway's internal listener in front of auth-service, for the one
 * call crew-service makes there: the membership lookup on a replica miss. It knows no
 * membership beyond what the tests publish on {@code crewship.memberships.v1}, so it
 * answers 404 ("no such member"), exactly what auth-service answers for a stranger or a
 * workspace that does not exist. Without it a miss would be a 503 from a refused
 * connection, or whatever another engineer's gateway on port 8081 says.
 */
public class AuthServiceStandIn implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static HttpServer server;

	static synchronized int port() {
		if (server == null) {
			try {
				server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			server.createContext("/", exchange -> {
				exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
				exchange.sendResponseHeaders(404, -1);
				exchange.close();
			});
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "auth-stand-in-stop"));
		}
		return server.getAddress().getPort();
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("authServiceStandIn",
					Map.of("crewship.internal.base-url", "http://127.0.0.1:" + port())));
	}

}
