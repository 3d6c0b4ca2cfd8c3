package crewship.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import crewship.platform.testing.WsClient;
import crewship.systemtests.Client.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes to every service that publishes domain events, made through the gateway while
 * the broker is down (fault drill 2 of issue 16): each must be answered 2xx because its
 * events wait in the service's outbox; once the broker is back every event must reach a
 * browser's WebSocket exactly once and the projections of the other services.
 *
 * <p>
 * Frames carry no event id, so the socket's exactly-once is counted per
 * {@code type:id[:change]} of the payload (each write below touches its own entity); the
 * topics themselves are read for copies of an event id (at-least-once: a copy is rare and
 * never more than one).
 */
final class OutageDrill {

	static final List<String> SERVICES = List.of("auth", "crew", "issue", "mission", "vault", "webhook");

	/**
	 * Every domain topic realtime-service fans out, plus auth's replicated memberships.
	 */
	static final List<String> TOPICS = List.of("crewship.auth.v1", "crewship.crew.v1", "crewship.issue.v1",
			"crewship.mission.v1", "crewship.vault.v1", "crewship.webhook.v1", "crewship.memberships.v1");

	/** How long projections and the socket may take after the broker is back. */
	static final Duration RECOVERY = Duration.ofSeconds(90);

	record Write(String service, String what, int status, String body) {
	}

	private final String gateway;

	private final String workspaceId;

	private final String ownerCookie;

	private final String crewId;

	private final String crewSlug;

	private final String ws;

	private final String suffix = UUID.randomUUID().toString().substring(0, 8);

	final List<Write> writes = new ArrayList<>();

	/** {@code type:id[:change]} → how many frames it must produce. */
	final Map<String, Integer> expected = new LinkedHashMap<>();

	final Map<String, String> serviceOf = new HashMap<>();

	/** First arrival of each key on the socket, nanoTime. */
	final Map<String, Long> firstSeen = new HashMap<>();

	BrowserSocket socket;

	// made before the outage
	private String leadId;

	private String preIssueIdentifier;

	private String preIssueId;

	private long restarted;

	private String preMissionId;

	private IdentitySystemTests.SignedIn member;

	// made while the broker is down
	private String newCrewId;

	private String newCrewSlug;

	private String newAgentId;

	private String leadRenamed;

	private String ownerRenamed;

	private String issueWhileDown;

	OutageDrill(String gateway, String workspaceId, String ownerCookie, String crewId, String crewSlug) {
		this.gateway = gateway;
		this.workspaceId = workspaceId;
		this.ownerCookie = ownerCookie;
		this.crewId = crewId;
		this.crewSlug = crewSlug;
		this.ws = "?workspace_id=" + workspaceId;
	}

	/**
	 * Before the outage: a lead agent, an issue and a mission in the existing crew (so
	 * issue- and mission-service already know crew and lead), a user to add as a member,
	 * and a browser's socket on the workspace.
	 */
	void prepare() {
		IdentitySystemTests.startSuite();
		this.member = IdentitySystemTests.signUpAndIn();
		this.leadId = id(expectStatus(post("/api/v1/agents" + this.ws, "{\"name\":\"Drill Lead\",\"slug\":\"lead-"
				+ this.suffix + "\",\"crew_id\":\"" + this.crewId + "\",\"agent_role\":\"LEAD\"}"), 201));
		Response issue = retry("issue-service knows crew and lead before the outage",
				() -> post("/api/v1/crews/" + this.crewId + "/issues" + this.ws,
						"{\"title\":\"Before the outage\",\"assignee_type\":\"agent\",\"assignee_id\":\"" + this.leadId
								+ "\"}"),
				r -> r.status() == 201, Duration.ofSeconds(60));
		this.preIssueIdentifier = issue.json().get("identifier").asString();
		this.preIssueId = id(issue);
		Response mission = retry("mission-service knows crew and lead before the outage",
				() -> post("/api/v1/crews/" + this.crewSlug + "/missions" + this.ws,
						"{\"title\":\"Before the outage\",\"lead_agent_id\":\"" + this.leadId + "\"}"),
				r -> r.status() == 201, Duration.ofSeconds(60));
		this.preMissionId = id(mission);
		this.socket = new BrowserSocket(this.gateway, this.ownerCookie, "workspace:" + this.workspaceId);
	}

	/**
	 * While the broker is down: one or more writes to every publishing service. Nothing
	 * here may wait for Kafka.
	 */
	String writeWhileDown() {
		// auth-service: the workspace, a membership, the owner's profile (memberships
		// topic only: seen by issue-service's member directory, not by the socket)
		write("auth", "rename workspace",
				send("PATCH", "/api/v1/workspaces/" + this.workspaceId, "{\"name\":\"Drill " + this.suffix + "\"}"));
		expect("auth", "workspace.updated", this.workspaceId, null, 1);
		write("auth", "add member", post("/api/v1/workspaces/" + this.workspaceId + "/members",
				"{\"user_id\":\"" + this.member.userId() + "\",\"role\":\"MEMBER\"}"));
		expect("auth", "member.added", this.member.userId(), null, 1);
		this.ownerRenamed = "Dee Renamed " + this.suffix;
		write("auth", "rename owner",
				send("PATCH", "/api/v1/users/me", "{\"full_name\":\"" + this.ownerRenamed + "\"}"));

		// crew-service: an agent in the existing crew, a new crew with an agent (a LEAD,
		// for a mission after the outage), an update of an agent
		String agentMadeWhileDown = id(write("crew", "create agent",
				post("/api/v1/agents" + this.ws, "{\"name\":\"Durable Agent\",\"slug\":\"down-" + this.suffix
						+ "-1\",\"crew_id\":\"" + this.crewId + "\"}")));
		expect("crew", "agent.created", agentMadeWhileDown, null, 1);
		this.newCrewSlug = "down-" + this.suffix;
		this.newCrewId = id(write("crew", "create crew", post("/api/v1/crews" + this.ws,
				"{\"name\":\"Made While Down\",\"slug\":\"" + this.newCrewSlug + "\"}")));
		expect("crew", "crew.created", this.newCrewId, null, 1);
		this.newAgentId = id(write("crew", "create agent",
				post("/api/v1/agents" + this.ws, "{\"name\":\"Down Agent " + this.suffix + "\",\"slug\":\"down-agent-"
						+ this.suffix + "\",\"crew_id\":\"" + this.newCrewId + "\",\"agent_role\":\"LEAD\"}")));
		expect("crew", "agent.created", this.newAgentId, null, 1);
		this.leadRenamed = "Renamed Lead " + this.suffix;
		write("crew", "update agent",
				send("PATCH", "/api/v1/agents/" + this.leadId + this.ws, "{\"name\":\"" + this.leadRenamed + "\"}"));
		expect("crew", "agent.updated", this.leadId, null, 1);

		// issue-service: a label, an issue in the crew it knows, a comment
		String labelId = id(write("issue", "create label",
				post("/api/v1/labels" + this.ws, "{\"name\":\"down-" + this.suffix + "\",\"color\":\"#ef4444\"}")));
		expect("issue", "label.created", labelId, null, 1);
		Response issue = write("issue", "create issue",
				post("/api/v1/crews/" + this.crewId + "/issues" + this.ws,
						"{\"title\":\"Written while the broker was down\",\"assignee_type\":\"user\",\"assignee_id\":\""
								+ this.member.userId() + "\",\"labels\":[\"" + labelId + "\"]}"));
		this.issueWhileDown = (issue.status() == 201) ? issue.json().get("identifier").asString() : null;
		expect("issue", "issue.created", id(issue), null, 1);
		Response comment = write("issue", "comment",
				post("/api/v1/crews/" + this.crewId + "/issues/" + this.preIssueIdentifier + "/comments" + this.ws,
						"{\"body\":\"Commented while the broker was down\"}"));
		if (comment.status() == 201) {
			expect("issue", "issue.updated", this.preIssueId, "comment_added", 1);
		}

		// mission-service: a mission (created + PLANNING), an update of an older one
		String missionId = id(
				write("mission", "create mission", post("/api/v1/crews/" + this.crewSlug + "/missions" + this.ws,
						"{\"title\":\"Planned while down\",\"lead_agent_id\":\"" + this.leadId + "\"}")));
		expect("mission", "mission.created", missionId, null, 1);
		expect("mission", "mission.updated", missionId, null, 1);
		write("mission", "update mission",
				send("PATCH", "/api/v1/crews/" + this.crewSlug + "/missions/" + this.preMissionId + this.ws,
						"{\"title\":\"Retitled while down\"}"));
		expect("mission", "mission.updated", this.preMissionId, null, 1);

		// credential-vault-service
		String credentialId = id(write("vault", "create credential",
				post("/api/v1/credentials" + this.ws,
						"{\"name\":\"down-" + this.suffix
								+ "\",\"type\":\"API_KEY\",\"provider\":\"OPENAI\",\"value\":\"sk-down-" + this.suffix
								+ "\"}")));
		expect("vault", "credential.created", credentialId, null, 1);

		// webhook-service outside the delivery path: a pipeline webhook (its secret is
		// minted by the vault over HTTP, no Kafka)
		String hookId = id(write("webhook", "create pipeline webhook",
				post("/api/v1/workspaces/" + this.workspaceId + "/pipeline-webhooks",
						"{\"name\":\"Down hook\",\"target_pipeline_slug\":\"down-" + this.suffix + "\"}")));
		expect("webhook", "pipeline_webhook.created", hookId, null, 1);
		return agentMadeWhileDown;
	}

	/**
	 * After the broker is back: waits (bounded) until every expected frame has arrived.
	 * Duplicates are counted later ({@link #duplicated()}), after the projection checks
	 * have given a late copy seconds to arrive. @return seconds from {@code restarted} to
	 * the last expected frame's arrival
	 */
	double awaitDelivered(long restarted) {
		this.restarted = restarted;
		long deadline = System.nanoTime() + RECOVERY.toNanos();
		while (!missing().isEmpty() && System.nanoTime() < deadline) {
			sleep(250);
		}
		tally();
		return this.firstSeen.values().stream().mapToLong(t -> t - restarted).max().orElse(0) / 1e9;
	}

	/** Keys with fewer frames than expected, with what arrived. */
	Map<String, Integer> missing() {
		Map<String, Integer> counts = counts();
		Map<String, Integer> missing = new TreeMap<>();
		this.expected.forEach((key, n) -> {
			if (counts.getOrDefault(key, 0) < n) {
				missing.put(key, counts.getOrDefault(key, 0));
			}
		});
		return missing;
	}

	Map<String, Integer> duplicated() {
		tally();
		Map<String, Integer> counts = counts();
		Map<String, Integer> duplicated = new TreeMap<>();
		this.expected.forEach((key, n) -> {
			if (counts.getOrDefault(key, 0) > n) {
				duplicated.put(key, counts.get(key));
			}
		});
		return duplicated;
	}

	private Map<String, Integer> counts() {
		Map<String, Integer> counts = new HashMap<>();
		for (JsonNode frame : this.socket.frames()) {
			counts.merge(key(frame.get("type").asString(), frame.get("payload")), 1, Integer::sum);
		}
		return counts;
	}

	private void tally() {
		for (BrowserSocket.Frame frame : this.socket.timedFrames()) {
			String key = key(frame.json().get("type").asString(), frame.json().get("payload"));
			if (this.expected.containsKey(key)) {
				this.firstSeen.putIfAbsent(key, frame.at());
			}
		}
	}

	/**
	 * The projections learnt what happened while the broker was down; each check retried
	 * within {@link #RECOVERY}. @return check → when it passed, ms after the broker was
	 * back (the checks run one after another, so a later one is an upper bound)
	 */
	Map<String, Long> awaitProjections() {
		Map<String, Long> took = new LinkedHashMap<>();
		// issue-service: the new crew and its agent (an issue in one, assigned to the
		// other), the renamed agent, the renamed owner, the added member's name
		took.put("issue: new crew + new agent", timed(() -> {
			Response created = retry("issue-service knows the crew and agent made while down",
					() -> post("/api/v1/crews/" + this.newCrewId + "/issues" + this.ws,
							"{\"title\":\"After the outage\",\"assignee_type\":\"agent\",\"assignee_id\":\""
									+ this.newAgentId + "\"}"),
					r -> r.status() == 201, RECOVERY);
			assertThat(created.json().get("crew_name").asString()).isEqualTo("Made While Down");
			assertThat(created.json().get("assignee_name").asString()).isEqualTo("Down Agent " + this.suffix);
		}));
		took.put("issue: agent rename, owner rename, member name", timed(() -> {
			String issuePath = "/api/v1/crews/" + this.crewId + "/issues/" + this.preIssueIdentifier + this.ws;
			retry("issue-service shows the agent renamed while down", () -> get(issuePath),
					r -> r.status() == 200 && this.leadRenamed.equals(text(r.json(), "assignee_name")), RECOVERY);
			retry("issue-service shows the owner renamed while down", () -> get(issuePath),
					r -> r.status() == 200 && this.ownerRenamed.equals(text(r.json().get("created_by"), "name")),
					RECOVERY);
			if (this.issueWhileDown != null) {
				retry("issue-service names the member added while down",
						() -> get("/api/v1/crews/" + this.crewId + "/issues/" + this.issueWhileDown + this.ws),
						r -> r.status() == 200 && "Sam Tester".equals(text(r.json(), "assignee_name")), RECOVERY);
			}
		}));
		// mission-service: a mission in the new crew led by the new agent; its runs list
		took.put("mission: new crew + new agent", timed(() -> {
			retry("mission-service knows the crew and agent made while down",
					() -> post("/api/v1/crews/" + this.newCrewSlug + "/missions" + this.ws,
							"{\"title\":\"After the outage\",\"lead_agent_id\":\"" + this.newAgentId + "\"}"),
					r -> r.status() == 201, RECOVERY);
			retry("mission-service lists the new agent's runs",
					() -> get("/api/v1/agents/" + this.newAgentId + "/runs" + this.ws), r -> r.status() == 200,
					RECOVERY);
		}));
		// the vault: it mints the new agent's webhook secret only for an agent it knows
		took.put("vault: new agent",
				timed(() -> retry("the vault knows the agent made while down",
						() -> post("/api/v1/agents/" + this.newAgentId + "/webhook-secret/rotate" + this.ws, ""),
						r -> r.status() == 200, RECOVERY)));
		return took;
	}

	/**
	 * Each publishing service's {@code crewship_outbox_backlog} (rows not yet on Kafka),
	 * scraped from its management port; -1 when it cannot be read.
	 */
	static Map<String, Long> outboxBacklog(crewship.devstack.Suite suite) {
		Map<String, Long> backlog = new LinkedHashMap<>();
		for (String service : SERVICES) {
			String name = service.equals("vault") ? "credential-vault-service" : service + "-service";
			java.net.URI base = java.net.URI.create(suite.serviceUrl(name));
			long value = -1;
			try {
				Response scrape = Client.get("http://127.0.0.1:"
						+ crewship.devstack.Suite.managementPort(base.getPort()) + "/actuator/prometheus");
				value = scrape.body()
					.lines()
					.filter(line -> line.startsWith("crewship_outbox_backlog"))
					.mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
					.findFirst()
					.orElse(-1);
			}
			catch (RuntimeException | AssertionError ex) {
				// reported as -1
			}
			backlog.put(service, value);
		}
		return backlog;
	}

	/** Events the socket must see from one service. */
	int expectedOf(String service) {
		return this.expected.entrySet()
			.stream()
			.filter(entry -> service.equals(this.serviceOf.get(entry.getKey())))
			.mapToInt(Map.Entry::getValue)
			.sum();
	}

	/**
	 * Events of this workspace on the topics, by id: more than one copy is a duplicate.
	 */
	Map<String, Integer> topicCopiesById(String bootstrapServers, long sinceEpochMillis) {
		Map<String, Integer> copies = new HashMap<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.ISOLATION_LEVEL_CONFIG,
						"read_committed"),
				new StringDeserializer(), new StringDeserializer())) {
			List<TopicPartition> partitions = new ArrayList<>();
			for (String topic : TOPICS) {
				consumer.partitionsFor(topic, Duration.ofSeconds(30))
					.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
			}
			consumer.assign(partitions);
			Map<TopicPartition, Long> start = new HashMap<>();
			consumer
				.offsetsForTimes(
						partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> sinceEpochMillis)),
						Duration.ofSeconds(30))
				.forEach((partition, offset) -> start.put(partition, (offset != null) ? offset.offset() : -1L));
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
			for (TopicPartition partition : partitions) {
				long from = start.get(partition);
				consumer.seek(partition, (from >= 0) ? from : end.get(partition));
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
				assertThat(System.nanoTime()).as("read the domain topics to their end").isLessThan(deadline);
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					if (record.value() == null) {
						continue;
					}
					JsonNode event = Client.JSON.readTree(record.value());
					if (this.workspaceId.equals(text(event, "workspace_id"))) {
						copies.merge(text(event, "id"), 1, Integer::sum);
					}
				}
			}
		}
		return copies;
	}

	/**
	 * The drill table: writes sent and answered by status, events expected, received and
	 * duplicated, per service.
	 */
	String table(double recoverySeconds, Map<String, Long> projections, Map<String, Integer> topicCopies,
			Map<String, Long> backlogWhileDown) {
		Map<String, Integer> counts = counts();
		StringBuilder table = new StringBuilder();
		table.append(String.format("[drill 2] %-8s | %6s | %-16s | %17s | %8s | %8s | %10s | %s%n", "service", "writes",
				"answered", "outbox while down", "expected", "received", "duplicates", "first seen after restart"));
		for (String service : SERVICES) {
			List<Write> own = this.writes.stream().filter(w -> w.service().equals(service)).toList();
			Map<Integer, Long> byStatus = new TreeMap<>(own.stream()
				.collect(
						java.util.stream.Collectors.groupingBy(Write::status, java.util.stream.Collectors.counting())));
			int expectedEvents = 0;
			int received = 0;
			int duplicates = 0;
			long last = Long.MIN_VALUE;
			for (Map.Entry<String, Integer> entry : this.expected.entrySet()) {
				if (!service.equals(this.serviceOf.get(entry.getKey()))) {
					continue;
				}
				int got = counts.getOrDefault(entry.getKey(), 0);
				expectedEvents += entry.getValue();
				received += Math.min(got, entry.getValue());
				duplicates += Math.max(0, got - entry.getValue());
				if (this.firstSeen.containsKey(entry.getKey())) {
					last = Math.max(last, this.firstSeen.get(entry.getKey()));
				}
			}
			table.append(String.format("[drill 2] %-8s | %6d | %-16s | %17d | %8d | %8d | %10d | %s%n", service,
					own.size(), byStatus.toString(), backlogWhileDown.getOrDefault(service, -1L), expectedEvents,
					received, duplicates,
					(last != Long.MIN_VALUE) ? String.format("%.1f s", (last - this.restarted) / 1e9) : "-"));
		}
		table.append(String.format(
				"[drill 2] socket reconnects %d; all expected frames within %.1f s of the broker accepting again;"
						+ " %d events of the workspace on the topics since the stop, %d with more than one copy%n",
				this.socket.reconnects(), recoverySeconds, topicCopies.size(),
				topicCopies.values().stream().filter(n -> n > 1).count()));
		projections.forEach((check, ms) -> table
			.append(String.format("[drill 2] projection %-48s right by +%.1f s%n", check, ms / 1000.0)));
		return table.toString();
	}

	// --- helpers

	private void expect(String service, String type, String id, String change, int times) {
		if (id == null) {
			return;
		}
		String key = key(type, id, change);
		this.expected.merge(key, times, Integer::sum);
		this.serviceOf.put(key, service);
	}

	static String key(String type, JsonNode payload) {
		String id = text(payload, "id");
		if (id == null) {
			id = text(payload, "user_id");
		}
		return key(type, id, text(payload, "change"));
	}

	static String key(String type, String id, String change) {
		return type + ":" + id + ((change != null) ? ":" + change : "");
	}

	private Response write(String service, String what, Response response) {
		this.writes.add(new Write(service, what, response.status(), response.body()));
		return response;
	}

	private static String id(Response response) {
		return (response.status() / 100 == 2) ? response.json().get("id").asString() : null;
	}

	private static Response expectStatus(Response response, int status) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		return response;
	}

	static String text(JsonNode node, String field) {
		return (node != null && node.hasNonNull(field)) ? node.get(field).asString() : null;
	}

	private Response post(String path, String json) {
		return send("POST", path, json);
	}

	private Response send(String method, String path, String json) {
		return Client.send(method, this.gateway + path, json, "Cookie", this.ownerCookie, "Origin", this.gateway);
	}

	private Response get(String path) {
		return Client.get(this.gateway + path, "Cookie", this.ownerCookie);
	}

	private long timed(Runnable check) {
		check.run();
		return (System.nanoTime() - this.restarted) / 1_000_000;
	}

	/**
	 * Repeats the call until it is accepted; fails with the last answer after timeout.
	 */
	static Response retry(String what, Supplier<Response> call, Predicate<Response> accepted, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Response last = call.get();
		while (!accepted.test(last)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("within " + timeout.toSeconds() + " s: " + what + "; last answer "
						+ last.status() + " " + last.body());
			}
			sleep(500);
			last = call.get();
		}
		return last;
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A browser's socket on one channel: it pings every half second (collecting every
	 * frame before the pong) and, like the web UI, connects again with a fresh token and
	 * subscribes again when the socket closes or stops answering.
	 */
	static final class BrowserSocket implements AutoCloseable {

		private final String gateway;

		private final String cookie;

		private final String channel;

		/** A frame and when it arrived (nanoTime, to within the half-second ping). */
		record Frame(long at, JsonNode json) {
		}

		private final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());

		private final AtomicInteger reconnects = new AtomicInteger();

		private final AtomicBoolean open = new AtomicBoolean(true);

		private final Thread pump;

		private volatile WsClient client;

		BrowserSocket(String gateway, String cookie, String channel) {
			this.gateway = gateway;
			this.cookie = cookie;
			this.channel = channel;
			this.client = connect();
			assertThat(this.client).as("a socket on " + channel).isNotNull();
			this.pump = Thread.ofVirtual().name("browser-socket").start(this::pump);
		}

		private WsClient connect() {
			try {
				Response token = Client.get(this.gateway + "/api/v1/ws-token", "Cookie", this.cookie);
				if (token.status() != 200) {
					return null;
				}
				WsClient connected = WsClient.connect(
						this.gateway.replace("http://", "ws://") + "/ws?token=" + token.json().get("token").asString(),
						"Origin", this.gateway);
				List<JsonNode> answer = connected
					.roundTrip("{\"type\":\"subscribe\",\"channel\":\"" + this.channel + "\"}");
				if (!answer.isEmpty()) {
					connected.close();
					return null;
				}
				return connected;
			}
			catch (RuntimeException | AssertionError | InterruptedException ex) {
				return null;
			}
		}

		private void pump() {
			while (this.open.get()) {
				WsClient current = this.client;
				if (current == null || current.closeCode(Duration.ZERO) != null) {
					if (current != null) {
						this.client = null;
						this.reconnects.incrementAndGet();
					}
					this.client = connect();
					if (this.client == null) {
						sleep(500);
					}
					continue;
				}
				try {
					List<JsonNode> received = current.roundTrip(Duration.ofSeconds(10));
					long at = System.nanoTime();
					received.forEach(frame -> this.frames.add(new Frame(at, frame)));
				}
				catch (AssertionError | RuntimeException ex) {
					// no pong in 10 s: the socket is gone, as a browser would notice
					current.close();
					this.client = null;
					this.reconnects.incrementAndGet();
				}
				catch (InterruptedException ex) {
					return;
				}
				sleep(500);
			}
		}

		List<JsonNode> frames() {
			return timedFrames().stream().map(Frame::json).toList();
		}

		List<Frame> timedFrames() {
			synchronized (this.frames) {
				return new ArrayList<>(this.frames);
			}
		}

		void clear() {
			this.frames.clear();
		}

		int reconnects() {
			return this.reconnects.get();
		}

		@Override
		public void close() {
			this.open.set(false);
			try {
				this.pump.join(15_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			WsClient current = this.client;
			if (current != null) {
				current.close();
			}
		}

	}

}
