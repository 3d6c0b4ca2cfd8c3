package crewship.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole suite on one machine: PostgreSQL, a Kafka broker, the per-service databases,
 * and the gateway and seven services each as its own JVM. {@link #close()} stops
 * everything it started.
 */
public final class Suite implements AutoCloseable {

	/** A JVM of the suite: its module, base port and (for services with one) database. */
	record Component(String name, int basePort, String database) {

		String jar(Path repository) {
			return repository.resolve(this.name + "/target/" + this.name + "-" + VERSION + ".jar").toString();
		}

	}

	static final String VERSION = "0.1.0-SNAPSHOT";

	static final Component GATEWAY = new Component("gateway", 8080, null);

	static final List<Component> SERVICES = List.of(new Component("auth-service", 8101, "auth"),
			new Component("crew-service", 8102, "crew"), new Component("mission-service", 8103, "mission"),
			new Component("issue-service", 8104, "issue"), new Component("credential-vault-service", 8105, "vault"),
			new Component("webhook-service", 8106, "webhook"), new Component("realtime-service", 8107, null));

	private final DevstackConfig config;

	private final Log log;

	private Postgres postgres;

	private Broker kafka;

	/** Every JVM of the suite (replicas and extras too), in start order. */
	private final Map<Component, Supervisor.Supervised> processes = java.util.Collections
		.synchronizedMap(new LinkedHashMap<>());

	private final Supervisor supervisor;

	private volatile boolean closed;

	/** The broker every JVM of the suite uses (set once started). */
	private String kafkaServers;

	private Suite(DevstackConfig config, Log log) {
		this.config = config;
		this.log = log;
		this.supervisor = new Supervisor(log);
	}

	/** Spacing of a service's replicas' ports: replica r listens on its port + r × 10. */
	static final int REPLICA_PORT_STRIDE = 10;

	/** Replicas of each service running now (or started by {@link #startReplicas}). */
	private volatile int replicas;

	/** Every replica of every service, replica 0 (the service's own port) first. */
	List<Component> serviceReplicas() {
		return serviceReplicas(this.config.replicas());
	}

	private List<Component> serviceReplicas(int count) {
		List<Component> replicas = new ArrayList<>();
		for (int r = 0; r < count; r++) {
			for (Component service : SERVICES) {
				replicas.add(replica(service, r));
			}
		}
		return replicas;
	}

	static Component replica(Component service, int r) {
		return (r == 0) ? service
				: new Component(service.name(), service.basePort() + r * REPLICA_PORT_STRIDE, service.database());
	}

	private static Component service(String name) {
		return SERVICES.stream()
			.filter(service -> service.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No service " + name));
	}

	/**
	 * Starts everything and returns once every service is ready; on failure stops what it
	 * started.
	 */
	public static Suite start(DevstackConfig config, Log log) {
		return start(config, log, false);
	}

	/**
	 * {@link #start}, for a suite on throw-away databases (a benchmark's own
	 * {@code CREWSHIP_DB_PREFIX}): a failed start drops them too, instead of leaving them
	 * on the machine's server.
	 */
	public static Suite startThrowAway(DevstackConfig config, Log log) {
		return start(config, log, true);
	}

	private static Suite start(DevstackConfig config, Log log, boolean dropOnFailure) {
		Suite suite = new Suite(config, log);
		try {
			suite.startAll();
			return suite;
		}
		catch (RuntimeException ex) {
			suite.close();
			if (dropOnFailure) {
				try {
					suite.dropDatabases();
				}
				catch (RuntimeException dropFailed) {
					ex.addSuppressed(dropFailed);
				}
			}
			throw ex;
		}
	}

	private void startAll() {
		requireJars();
		Ports.requireFree(this.config.port(GATEWAY.basePort()), "gateway");
		Ports.requireFree(this.config.port(GATEWAY.basePort() + 1), "gateway internal listener");
		// the slots of replicas started later too: the gateway will be told of them
		serviceReplicas(this.config.replicaSlots()).forEach(replica -> {
			Ports.requireFree(this.config.port(replica.basePort()), label(replica));
			Ports.requireFree(managementPort(this.config.port(replica.basePort())), label(replica) + " management");
		});
		this.log.step("Data directory: " + this.config.dataDir());
		this.postgres = Postgres.start(this.config, this.log);
		this.postgres.createDatabases(databaseNames());
		String kafkaServers = this.config.kafkaBootstrapServers();
		if (kafkaServers == null) {
			this.kafka = Broker.start(this.config, this.log);
			kafkaServers = this.kafka.bootstrapServers();
		}
		else {
			this.log.step("Kafka: using " + kafkaServers + " (KAFKA_BOOTSTRAP_SERVERS)");
		}
		this.kafkaServers = kafkaServers;
		String internalToken = secret("internal-token");
		for (Component component : Stream.concat(Stream.of(GATEWAY), serviceReplicas().stream()).toList()) {
			Map<String, String> env = (component == GATEWAY) ? gatewayEnv(internalToken, 0)
					: serviceEnv(component, kafkaServers, internalToken);
			launch(component, component, env);
		}
		this.replicas = this.config.replicas();
		this.log.step("Started " + this.processes.size() + " JVMs; waiting until each is ready");
		awaitReady();
		this.supervisor.start();
	}

	/**
	 * Starts replicas of every service up to {@code count} (at most the configured
	 * {@code replicaSlots}: the gateway knows only those) and returns once they are
	 * ready; the gateway's next probe puts them in its rotation. Tests use it to run two
	 * of each on a suite that started with one.
	 */
	public synchronized void startReplicas(int count) {
		if (count > this.config.replicaSlots()) {
			throw new IllegalArgumentException("The gateway knows of " + this.config.replicaSlots()
					+ " replicas per service (CREWSHIP_REPLICA_SLOTS), not " + count);
		}
		if (count <= this.replicas) {
			return;
		}
		String internalToken = secret("internal-token");
		List<Component> added = serviceReplicas(count).subList(this.replicas * SERVICES.size(),
				count * SERVICES.size());
		long started = System.nanoTime();
		for (Component replica : added) {
			launch(replica, replica, serviceEnv(replica, this.kafkaServers, internalToken));
		}
		this.replicas = count;
		this.log.step("Started " + added.size() + " more replicas; waiting until each is ready");
		awaitReady();
		this.log
			.step(String.format("%d replicas of every service, in %.1f s", count, (System.nanoTime() - started) / 1e9));
	}

	/**
	 * {@code crew-service}, or {@code crew-service@8112} for a further replica or extra.
	 */
	private String label(Component component) {
		boolean first = component == GATEWAY || SERVICES.contains(component);
		return first ? component.name() : component.name() + "@" + this.config.port(component.basePort());
	}

	private Supervisor.Supervised launch(Component component, Component of, Map<String, String> env) {
		String name = label(component);
		String logName = name.replace('@', '-') + ".log";
		Supervisor.Supervised supervised = new Supervisor.Supervised(name, jvm(of), withManagement(env),
				this.config.logs().resolve(logName));
		this.processes.put(component, supervised);
		this.supervisor.watch(supervised);
		return supervised;
	}

	private void requireJars() {
		List<String> missing = Stream.concat(Stream.of(GATEWAY), SERVICES.stream())
			.map(component -> component.jar(this.config.repository()))
			.filter(jar -> !Files.exists(Path.of(jar)))
			.toList();
		if (!missing.isEmpty()) {
			throw new DevstackException(
					"Not built: " + missing + ". Run ./mvnw -DskipTests package (./crewship-dev does).");
		}
	}

	List<String> databaseNames() {
		return SERVICES.stream()
			.filter(service -> service.database() != null)
			.map(service -> this.config.dbPrefix() + "_" + service.database())
			.toList();
	}

	private List<String> jvm(Component component) {
		Path cds = this.config.dataDir().resolve("cds");
		try {
			Files.createDirectories(cds);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = new java.util.ArrayList<>();
		command.add(KafkaBroker.javaExecutable());
		// e.g. a flight recording of every service during a benchmark:
		// CREWSHIP_JVM_OPTIONS="-XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile"
		String extra = this.config.passThrough().getOrDefault("CREWSHIP_JVM_OPTIONS", "").trim();
		// an archive per profile: one dumped by a C1-only JVM does not fit a C2 one. None
		// under a flight recording: a JVM that dumps its archive disables JFR for its
		// life
		Path archive = extra.contains("FlightRecording") ? null
				: cds.resolve(component.name() + "-" + this.config.profile() + ".jsa");
		command.addAll(this.config.profile().options(this.config.serviceHeap(), archive));
		if (!extra.isEmpty()) {
			command.addAll(List.of(extra.split("\\s+")));
		}
		command.addAll(List.of("-jar", component.jar(this.config.repository())));
		return command;
	}

	private Map<String, String> serviceEnv(Component replica, String kafkaServers, String internalToken) {
		Component service = service(replica.name());
		Map<String, String> env = new LinkedHashMap<>(this.config.passThrough());
		env.put("CREWSHIP_PORT", Integer.toString(this.config.port(replica.basePort())));
		env.put("CREWSHIP_KAFKA_BOOTSTRAP_SERVERS", kafkaServers);
		env.put("CREWSHIP_GATEWAY_INTERNAL_URL", "http://127.0.0.1:" + this.config.port(GATEWAY.basePort() + 1));
		env.put("CREWSHIP_INTERNAL_TOKEN", internalToken);
		if (service.database() != null) {
			env.put("CREWSHIP_DB_HOST", this.postgres.host());
			env.put("CREWSHIP_DB_PORT", Integer.toString(this.postgres.port()));
			env.put("CREWSHIP_DB_USER", this.postgres.user());
			env.put("CREWSHIP_DB_PASSWORD", this.postgres.password());
			env.put("CREWSHIP_DB_NAME", this.config.dbPrefix() + "_" + service.database());
			env.put("CREWSHIP_DB_POOL_SIZE", "5");
		}
		if (service.name().equals("auth-service")) {
			env.put("CREWSHIP_AUTH_SIGNING_KEY_FILE",
					this.config.dataDir().resolve("secrets/auth-signing-key.jwk").toString());
		}
		if (service.name().equals("credential-vault-service")) {
			// generated on first start, kept beside the other secrets: losing it loses
			// every credential
			env.put("CREWSHIP_VAULT_MASTER_KEY_FILE",
					this.config.dataDir().resolve("secrets/vault-master-key").toString());
		}
		return env;
	}

	/**
	 * Gives the process's actuator a management port of its own,
	 * {@value #MANAGEMENT_PORT_SHIFT} above its public port (gateway 8080 → 9080,
	 * crew-service 8102 → 9102), and exposes {@code /actuator/prometheus} there only: the
	 * public port keeps {@code /livez} and {@code /readyz} and nothing else of the
	 * actuator. On this loopback-only port a developer (and the system tests' secret
	 * canary) may also change a log level at run time, {@code /actuator/loggers}; the
	 * deployments (Compose, k8s) expose health and prometheus only.
	 */
	static Map<String, String> withManagement(Map<String, String> env) {
		String port = env.containsKey("CREWSHIP_GATEWAY_PORT") ? env.get("CREWSHIP_GATEWAY_PORT")
				: env.get("CREWSHIP_PORT");
		Map<String, String> withManagement = new LinkedHashMap<>(env);
		withManagement.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort(Integer.parseInt(port))));
		withManagement.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
		withManagement.put("MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE", "health,prometheus,loggers");
		return withManagement;
	}

	static final int MANAGEMENT_PORT_SHIFT = 1000;

	/** Where a process listening on {@code port} serves its actuator (Prometheus). */
	public static int managementPort(int port) {
		return port + MANAGEMENT_PORT_SHIFT;
	}

	private Map<String, String> gatewayEnv(String internalToken, int portShift) {
		Map<String, String> env = new LinkedHashMap<>(this.config.passThrough());
		env.put("CREWSHIP_GATEWAY_PORT", Integer.toString(this.config.port(GATEWAY.basePort()) + portShift));
		env.put("CREWSHIP_GATEWAY_INTERNAL_PORT",
				Integer.toString(this.config.port(GATEWAY.basePort() + 1) + portShift));
		env.put("CREWSHIP_GATEWAY_SIGNING_KEY_FILE",
				this.config.dataDir().resolve("secrets/gateway-signing-key.jwk").toString());
		env.put("CREWSHIP_INTERNAL_TOKEN", internalToken);
		for (Component service : SERVICES) {
			String variable = "CREWSHIP_"
					+ service.name().replace("-service", "").replace("credential-vault", "vault").toUpperCase()
					+ "_URL";
			env.put(variable, serviceUrl(service));
			if (this.config.replicaSlots() > 1) {
				// every replica: the gateway balances across them
				// (crewship.gateway.replicas)
				List<String> urls = new ArrayList<>();
				for (int r = 0; r < this.config.replicaSlots(); r++) {
					urls.add(url(replica(service, r)));
				}
				env.put(variable + "S", String.join(",", urls));
			}
		}
		return env;
	}

	/**
	 * A secret generated on first start and kept in the data directory, readable only by
	 * its owner.
	 */
	private String secret(String name) {
		Path file = this.config.dataDir().resolve("secrets").resolve(name);
		try {
			if (Files.exists(file)) {
				return Files.readString(file).trim();
			}
			Files.createDirectories(file.getParent());
			byte[] random = new byte[32];
			new SecureRandom().nextBytes(random);
			String value = HexFormat.of().formatHex(random);
			Files.writeString(file, value);
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			return value;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns once every JVM of the suite answers ready again (after a failure test
	 * disturbed it, e.g. stopped the broker their readiness includes).
	 */
	public void awaitReady() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		Map<Component, Supervisor.Supervised> waiting;
		synchronized (this.processes) {
			waiting = new LinkedHashMap<>(this.processes);
		}
		Duration healthyWithin = healthyWithin();
		long deadline = System.nanoTime() + healthyWithin.toNanos();
		while (!waiting.isEmpty()) {
			for (var entry : new ArrayList<>(waiting.entrySet())) {
				Component component = entry.getKey();
				ChildProcess process = entry.getValue().process();
				// once supervised, a JVM that died is started again: wait for it
				if (!process.isAlive() && !this.supervisor.isRunning()) {
					throw new DevstackException(component.name() + " exited during start-up; last lines of "
							+ process.logFile() + ":\n" + process.tail(30));
				}
				if (isReady(http, component)) {
					waiting.remove(component);
					this.log.step(label(component) + " is ready");
				}
			}
			if (System.nanoTime() > deadline) {
				throw new DevstackException("Not ready within " + healthyWithin.toSeconds() + " s: "
						+ waiting.keySet().stream().map(this::label).toList() + "; see " + this.config.logs());
			}
			KafkaBroker.sleep(500);
		}
	}

	private boolean isReady(HttpClient http, Component component) {
		try {
			HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url(component) + "/readyz"))
				.timeout(Duration.ofSeconds(3))
				.build(), HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DevstackException("Interrupted", ex);
		}
	}

	private String url(Component component) {
		return "http://127.0.0.1:" + this.config.port(component.basePort());
	}

	public String serviceUrl(String name) {
		return url(service(name));
	}

	/** The URL of every replica of a service, replica 0 first. */
	public List<String> serviceUrls(String name) {
		Component service = service(name);
		List<String> urls = new ArrayList<>();
		for (int r = 0; r < this.replicas; r++) {
			urls.add(url(replica(service, r)));
		}
		return urls;
	}

	/** How many replicas of each service run. */
	public int replicas() {
		return this.replicas;
	}

	/**
	 * SIGKILLs replica {@code r} of a service, as a crash would end it (fault drills);
	 * the supervisor starts it again.
	 * @return the pid killed
	 */
	public long kill(String name, int r) {
		ChildProcess process = this.processes.get(replica(service(name), r)).process();
		process.kill();
		return process.pid();
	}

	/** The pid of replica {@code r} of a service now. */
	public long pid(String name, int r) {
		return this.processes.get(replica(service(name), r)).process().pid();
	}

	/** How often the supervisor restarted replica {@code r} of a service. */
	public int restarts(String name, int r) {
		return this.processes.get(replica(service(name), r)).restarts();
	}

	/** Restarts of every JVM the supervisor watches, summed. */
	public long totalRestarts() {
		synchronized (this.processes) {
			return this.processes.values().stream().mapToLong(Supervisor.Supervised::restarts).sum();
		}
	}

	private String serviceUrl(Component service) {
		return url(service);
	}

	/**
	 * JDBC URL, user and password of a service's database (for tests that look behind the
	 * API).
	 */
	public List<String> database(String shortName) {
		return List.of("jdbc:postgresql://" + this.postgres.host() + ":" + this.postgres.port() + "/"
				+ this.config.dbPrefix() + "_" + shortName, this.postgres.user(), this.postgres.password());
	}

	/**
	 * The broker the suite started, to stop and start again in failure tests.
	 * @throws IllegalStateException when the suite uses an external broker
	 * ({@code KAFKA_BOOTSTRAP_SERVERS})
	 */
	public Broker broker() {
		if (this.kafka == null) {
			throw new IllegalStateException("The suite uses an external broker (" + this.kafkaServers + ")");
		}
		return this.kafka;
	}

	/**
	 * Stops the suite's PostgreSQL the way a crash would ({@code pg_ctl -m immediate}: no
	 * shutdown checkpoint, every connection cut; the next start replays the WAL), for
	 * fault drills. The services are left running: they must notice and recover by
	 * themselves.
	 * @throws IllegalStateException when the suite did not start its PostgreSQL (set
	 * {@code CREWSHIP_DB_EMBEDDED=true})
	 */
	public void crashPostgres() {
		this.postgres.crash();
		this.log.step("PostgreSQL stopped (immediate)");
	}

	/**
	 * Starts the suite's PostgreSQL again after {@link #crashPostgres()}; returns once it
	 * accepts connections.
	 */
	public void startPostgres() {
		this.postgres.start();
		this.log.step("PostgreSQL started again");
	}

	/** The brokers every JVM of the suite uses. */
	public String kafkaBootstrapServers() {
		return this.kafkaServers;
	}

	public String gatewayUrl() {
		return url(GATEWAY);
	}

	public String gatewayInternalUrl() {
		return "http://127.0.0.1:" + this.config.port(GATEWAY.basePort() + 1);
	}

	/**
	 * Starts one more gateway replica beside the suite's, its ports shifted by
	 * {@code portShift} (tests of behaviour across replicas). It stops with the suite.
	 * @return its public URL
	 */
	public synchronized String startExtraGateway(int portShift) {
		return startExtraGateway(portShift, Map.of());
	}

	private String startExtraGateway(int portShift, Map<String, String> overrides) {
		int port = this.config.port(GATEWAY.basePort()) + portShift;
		Ports.requireFree(port, "extra gateway");
		Ports.requireFree(port + 1, "extra gateway internal listener");
		Component replica = new Component("gateway", GATEWAY.basePort() + portShift, null);
		Map<String, String> env = gatewayEnv(secret("internal-token"), portShift);
		env.putAll(overrides);
		startAndAwait(replica, GATEWAY, env);
		return url(replica);
	}

	/**
	 * Starts a second realtime-service replica, its port shifted by {@code portShift},
	 * behind an extra gateway (ports shifted alike) whose {@code /ws} goes to that
	 * replica alone: a client of each gateway is a client of a different replica. Both
	 * stop with the suite.
	 * @return the extra gateway's public URL
	 */
	public synchronized String startExtraRealtime(int portShift) {
		Component realtime = SERVICES.stream()
			.filter(service -> service.name().equals("realtime-service"))
			.findFirst()
			.orElseThrow();
		Component replica = new Component("realtime-service", realtime.basePort() + portShift, null);
		Ports.requireFree(this.config.port(replica.basePort()), "extra realtime-service");
		Map<String, String> env = serviceEnv(replica, this.kafkaServers, secret("internal-token"));
		startAndAwait(replica, realtime, env);
		return startExtraGateway(portShift,
				Map.of("CREWSHIP_REALTIME_URL", url(replica), "CREWSHIP_REALTIME_URLS", url(replica)));
	}

	private void startAndAwait(Component replica, Component of, Map<String, String> env) {
		String name = label(replica);
		ChildProcess process = launch(replica, of, env).process();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		long deadline = System.nanoTime() + healthyWithin().toNanos();
		while (!isReady(http, replica)) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				throw new DevstackException("The extra " + name + " did not start:\n" + process.tail(30));
			}
			KafkaBroker.sleep(300);
		}
	}

	/**
	 * The table printed once the suite is up: service, URL, pid, log file; and the total
	 * memory.
	 */
	String table() {
		StringBuilder table = new StringBuilder(
				String.format("%-26s %-24s %-8s %-8s %s%n", "SERVICE", "URL", "PID", "RESTARTS", "LOG"));
		long totalKib = 0;
		Map<Component, Supervisor.Supervised> processes;
		synchronized (this.processes) {
			processes = new LinkedHashMap<>(this.processes);
		}
		for (var entry : processes.entrySet()) {
			ChildProcess process = entry.getValue().process();
			table.append(String.format("%-26s %-24s %-8s %-8d %s%n", label(entry.getKey()), url(entry.getKey()),
					process.isAlive() ? Long.toString(process.pid()) : "(down)", entry.getValue().restarts(),
					process.logFile()));
			totalKib += process.residentKib();
		}
		ChildProcess broker = (this.kafka != null) ? this.kafka.process() : null;
		if (broker != null) {
			table.append(String.format("%-26s %-24s %-8d %-8s %s%n", "kafka (KRaft)", this.kafka.bootstrapServers(),
					broker.pid(), "-", broker.logFile()));
			totalKib += broker.residentKib();
		}
		Long pgPid = this.postgres.pid();
		table.append(String.format("%-26s %-24s %-8s %-8s %s%n", "postgresql",
				this.postgres.host() + ":" + this.postgres.port(), (pgPid != null) ? pgPid : "-", "-",
				(pgPid != null) ? this.config.dataDir().resolve("postgres/postgres.log") : "(external)"));
		table.append(String.format("Resident memory of the JVMs started: %d MiB%n", totalKib / 1024));
		return table.toString();
	}

	/**
	 * How long the services may take to become ready ({@code -Dcrewship.devstack.timeout}
	 * seconds): 240 s on the fast-start profile; 480 s on the throughput profile, whose
	 * eight JVMs all compile with C2 at once — on 2 cores they were measured at 250 s.
	 */
	private Duration healthyWithin() {
		long byProfile = (this.config.profile() == JvmProfile.THROUGHPUT) ? 480 : 240;
		return Duration.ofSeconds(Long.getLong("crewship.devstack.timeout", byProfile));
	}

	/**
	 * Drops the per-service databases (for throw-away suites such as system tests). An
	 * embedded server's live in the data directory, with the server that {@link #close()}
	 * stopped: removing that directory removes them.
	 */
	public void dropDatabases() {
		if (this.postgres == null) {
			return;
		}
		if (!this.postgres.embedded()) {
			this.postgres.dropDatabases(databaseNames());
		}
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		// first, so nothing stopped here is started again
		this.supervisor.close();
		List<ChildProcess> running;
		synchronized (this.processes) {
			running = this.processes.values().stream().map(Supervisor.Supervised::process).toList();
		}
		if (!running.isEmpty()) {
			running.forEach(ChildProcess::requestStop);
			running.forEach(process -> process.awaitStop(20));
			this.log.step("Services stopped");
		}
		if (this.kafka != null) {
			this.kafka.stop(Duration.ofSeconds(20));
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
	}

}
