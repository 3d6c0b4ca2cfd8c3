package crewship.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * One client, one keep-alive connection, thousands of requests in a row — proxied ones
 * and ones the gateway answers at once (429 from the per-address limit). Reactor Netty
 * 1.3.6 stopped reading such a connection when a request arrived before the previous
 * one's operations had terminated (reactor-netty#4361): the request then waited until the
 * client gave up. Every request must be answered promptly.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "crewship.gateway.rate-limit.per-ip=200")
class KeepAliveTests {

	static final HttpServer service = startService();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("crewship.gateway.internal-port", () -> 0);
		String up = "http://127.0.0.1:" + service.getAddress().getPort();
		for (String name : new String[] { "auth-service", "crew-service", "mission-service", "issue-service",
				"credential-vault-service", "webhook-service", "realtime-service" }) {
			registry.add("crewship.gateway.services." + name, () -> up);
		}
	}

	@AfterAll
	static void stop() {
		service.stop(0);
	}

	@Test
	void everyRequestOnAKeepAliveConnectionIsAnswered() throws Exception {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String[] paths = { "/api/v1/crews", "/ws", "/api/v1/crews/c1", "/api/not-a-route" };
		int proxied = 0;
		for (int i = 0; i < 2000; i++) {
			String path = paths[i % paths.length];
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.timeout(Duration.ofSeconds(5))
				.build();
			try {
				int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
				proxied += (status == 200) ? 1 : 0;
			}
			catch (HttpTimeoutException ex) {
				fail("request " + i + " (" + path + ") was not answered within 5 s");
			}
		}
		assertThat(proxied).as("some went through to the service, the rest were limited").isPositive();
	}

	private static HttpServer startService() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/", exchange -> {
				byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
