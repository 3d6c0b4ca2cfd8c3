package crewship.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import crewship.platform.ids.Secrets;

/**
 * The real Keycloak server of this test JVM: the {@code keycloak-quarkus-dist} that Maven
 * unpacked under {@code target/keycloak}, started once ({@code kc.sh start-dev}) on a
 * free loopback port with an in-memory H2 store and a random admin password, and stopped
 * with the JVM. Its output goes to {@code target/keycloak-test.log}.
 */
public final class KeycloakServer {

	private static final Logger log = LoggerFactory.getLogger(KeycloakServer.class);

	static final String ADMIN_USER = "admin";

	private static final Duration STARTUP_LIMIT = Duration.ofMinutes(4);

	private static KeycloakServer instance;

	private final String url;

	private final String adminPassword = Secrets.randomHex(16);

	private Keycloak admin;

	private KeycloakServer(String url) {
		this.url = url;
	}

	/** The running server, started on first use. */
	public static synchronized KeycloakServer get() {
		if (instance == null) {
			instance = start();
		}
		return instance;
	}

	public String url() {
		return this.url;
	}

	public String adminPassword() {
		return this.adminPassword;
	}

	/** An admin client straight to the server, for the tests' own checks. */
	public synchronized Keycloak admin() {
		if (this.admin == null) {
			this.admin = KeycloakBuilder.builder()
				.serverUrl(this.url)
				.realm("master")
				.clientId("admin-cli")
				.username(ADMIN_USER)
				.password(this.adminPassword)
				.build();
		}
		return this.admin;
	}

	private static KeycloakServer start() {
		Path home = home();
		Path logFile = home.getParent().getParent().resolve("keycloak-test.log");
		int port = freePort();
		KeycloakServer server = new KeycloakServer("http://127.0.0.1:" + port);
		ProcessBuilder builder = new ProcessBuilder(List.of("/bin/bash", home.resolve("bin/kc.sh").toString(),
				"start-dev", "--http-host=127.0.0.1", "--http-port=" + port,
				// nothing is exposed there, but a default port of 9000 could clash
				"--http-management-port=" + freePort(), "--db=dev-mem"))
			.directory(home.toFile())
			.redirectErrorStream(true)
			.redirectOutput(logFile.toFile());
		Map<String, String> env = builder.environment();
		env.put("JAVA_HOME", System.getProperty("java.home"));
		env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
		env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", server.adminPassword);
		// two cores and other JVMs beside it: a modest heap, and no C2 compiler threads
		// competing with the tests for a server that lives a few minutes
		env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
		env.put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
		long started = System.nanoTime();
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start Keycloak from " + home, ex);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "keycloak-stop"));
		server.awaitReady(process, logFile);
		log.info("Keycloak {} ready at {} after {} s (log: {})", home.getFileName(), server.url,
				Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0, logFile);
		return server;
	}

	/**
	 * Ready means what the tests need: the bootstrap admin can get a token.
	 */
	private void awaitReady(Process process, Path logFile) {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest token = HttpRequest
			.newBuilder(URI.create(this.url + "/realms/master/protocol/openid-connect/token"))
			.timeout(Duration.ofSeconds(5))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=" + ADMIN_USER
					+ "&password=" + this.adminPassword))
			.build();
		long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + logFile);
			}
			try {
				if (http.send(token, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// still starting
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			sleep(500);
		}
		stop(process);
		throw new IllegalStateException("Keycloak not ready within " + STARTUP_LIMIT + "; see " + logFile);
	}

	private static void stop(Process process) {
		List<ProcessHandle> children = process.descendants().toList();
		process.destroy();
		children.forEach(ProcessHandle::destroy);
		try {
			if (!process.waitFor(20, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				children.forEach(ProcessHandle::destroyForcibly);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

	/**
	 * Where Maven unpacked the distribution (the build passes it; from an IDE, the one
	 * under {@code target/keycloak}).
	 */
	private static Path home() {
		String configured = System.getProperty("crewship.test.keycloak-home");
		if (configured != null && Files.isRegularFile(Path.of(configured, "bin", "kc.sh"))) {
			return Path.of(configured);
		}
		try (Stream<Path> candidates = Files.list(Path.of("target", "keycloak"))) {
			return candidates.filter(dir -> Files.isRegularFile(dir.resolve("bin/kc.sh")))
				.findFirst()
				.orElseThrow()
				.toAbsolutePath();
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException(
					"No Keycloak distribution under target/keycloak: run the tests through Maven once", ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
