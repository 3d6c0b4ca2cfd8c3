package crewship.bench;

import static crewship.bench.BenchSuite.UNLIMITED;
import static crewship.bench.BenchSuite.json;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.postgresql.PGConnection;

import crewship.devstack.Suite;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

/**
 * The workspace issue list at scale: {@code -Dbench.issues} issues (100,000) across
 * {@code -Dbench.crews} crews (20) of one workspace, and the filtered list the board asks
 * for — {@code status} + {@code label} + {@code search} — through the gateway with a CLI
 * token at {@code -Dbench.concurrency} (8) for {@code -Dbench.seconds} (20) after
 * {@code -Dbench.warmup} seconds (10). The target is p99 ≤ 50 ms.
 *
 * <p>
 * Starts its own suite (BenchSuite: ports shifted by {@code CREWSHIP_PORT_OFFSET},
 * default 2000; throw-away {@code crewship_bench_*} databases and data directory). Crews,
 * their LEAD agents and the labels are made through the API, so issue-service's local
 * copies are the real ones; the issues themselves are seeded with {@code COPY} straight
 * into the bench's own issue-service database (100,000 HTTP creates would measure the
 * seeding, not the list), then analysed. Besides the target query it measures the
 * unfiltered first page and a search alone, for comparison, and prints the CPU each
 * request cost the gateway, issue-service, PostgreSQL and the client ({@link CpuTime})
 * and which of the {@code issue} table's indexes the run used.
 */
public final class IssueListBench {

	static final List<String> WORDS = List.of("login", "token", "refresh", "crash", "deploy", "pipeline", "cache",
			"timeout", "memory", "leak", "button", "layout", "api", "auth", "session", "database", "index", "query",
			"slow", "error", "retry", "webhook", "agent", "crew", "mission", "docs", "typo", "upgrade", "dependency",
			"security", "header", "cookie", "mobile", "export", "import", "report", "billing", "invoice", "email",
			"notification", "search", "filter", "sort", "pagination", "upload", "attachment", "avatar", "theme", "dark",
			"mode");

	static final String[] STATUSES = { "BACKLOG", "BACKLOG", "BACKLOG", "BACKLOG", "TODO", "TODO", "TODO", "TODO",
			"IN_PROGRESS", "IN_PROGRESS", "REVIEW", "DONE", "DONE", "DONE", "DONE", "DONE", "DONE", "DONE", "CANCELLED",
			"FAILED" };

	static final String[] PRIORITIES = { "none", "low", "medium", "medium", "high", "urgent" };

	static final List<String> LABELS = List.of("bug", "feature", "chore", "docs", "security", "performance", "ux",
			"backend", "frontend", "infra", "tech-debt", "regression");

	private IssueListBench() {
	}

	public static void main(String[] args) throws Exception {
		int issues = Integer.getInteger("bench.issues", 100_000);
		int crews = Integer.getInteger("bench.crews", 20);
		int concurrency = Integer.getInteger("bench.concurrency", 8);
		Duration measure = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));
		Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmup", 10));
		BenchSuite.run("issue-list-data", Map.of("CREWSHIP_RATE_LIMIT_PER_IDENTITY", UNLIMITED),
				(suite, dataDir) -> run(suite, issues, crews, concurrency, warmup, measure));
	}

	private static void run(Suite suite, int issueCount, int crewCount, int concurrency, Duration warmup,
			Duration measure) throws Exception {
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String gateway = suite.gatewayUrl();
		JsonNode owner = json(http.send(post(gateway + "/api/v1/bootstrap", null,
				"{\"full_name\":\"Bench Owner\",\"email\":\"bench@example.com\",\"password\":\"bench-"
						+ UUID.randomUUID() + "\"}"),
				HttpResponse.BodyHandlers.ofString()));
		String token = owner.get("cli_token").asString();
		String userId = owner.get("user_id").asString();
		String workspaceId = owner.get("workspace_id").asString();
		String ws = "?workspace_id=" + workspaceId;

		System.out.printf("Making %d crews with a LEAD each and %d labels through the API%n", crewCount, LABELS.size());
		List<String[]> crews = new ArrayList<>(); // {id, prefix, leadId}
		for (int c = 0; c < crewCount; c++) {
			String prefix = "C" + (char) ('A' + c / 26) + (char) ('A' + c % 26);
			String crewId = json(send(http, post(gateway + "/api/v1/crews" + ws, token, "{\"name\":\"Crew " + prefix
					+ "\",\"slug\":\"crew-" + prefix.toLowerCase() + "\",\"issue_prefix\":\"" + prefix + "\"}")))
				.get("id")
				.asString();
			String leadId = json(send(http,
					post(gateway + "/api/v1/agents" + ws, token,
							"{\"name\":\"Lead " + prefix + "\",\"slug\":\"lead-" + prefix.toLowerCase()
									+ "\",\"crew_id\":\"" + crewId + "\",\"agent_role\":\"LEAD\"}")))
				.get("id")
				.asString();
			crews.add(new String[] { crewId, prefix, leadId });
		}
		Map<String, String> labels = new LinkedHashMap<>();
		for (String label : LABELS) {
			labels.put(label, json(send(http,
					post(gateway + "/api/v1/labels" + ws, token, "{\"name\":\"" + label + "\",\"color\":\"#888888\"}")))
				.get("id")
				.asString());
		}

		List<String> database = suite.database("issue");
		try (Connection db = DriverManager.getConnection(database.get(0), database.get(1), database.get(2))) {
			awaitProjection(db, crews);
			long seeded = System.nanoTime();
			seed(db, workspaceId, userId, crews, labels, issueCount);
			System.out.printf("Seeded %d issues in %d crews with COPY in %d ms, analysed%n", issueCount, crewCount,
					Duration.ofNanos(System.nanoTime() - seeded).toMillis());

			Map<String, String> queries = new LinkedHashMap<>();
			queries.put("status+label+search", "&status=TODO,IN_PROGRESS&label=bug&search=token");
			queries.put("first page, no filter", "");
			queries.put("search only", "&search=timeout");
			for (Map.Entry<String, String> query : queries.entrySet()) {
				HttpResponse<String> sample = send(http,
						get(gateway + "/api/v1/issues" + ws + query.getValue(), token));
				System.out.printf("%-24s 200, %d issues on the page%n", query.getKey(), json(sample).size());
			}
			Map<String, Long> indexesBefore = indexScans(db);
			System.out.printf(
					"%nWarm-up %d s per query (all of them first, so the first measured one is as warm as the last),"
							+ " then %d s per query at concurrency %d (GET /api/v1/issues)%n",
					warmup.toSeconds(), measure.toSeconds(), concurrency);
			for (String query : queries.values()) {
				load(http, URI.create(gateway + "/api/v1/issues" + ws + query), token, concurrency, warmup);
			}
			Map<String, Long> watched = new LinkedHashMap<>();
			watched.put("gateway", BenchSuite.pidOf("gateway"));
			watched.put("issue-service", BenchSuite.pidOf("issue-service"));
			CpuTime cpu = new CpuTime(watched);
			List<Result> results = new ArrayList<>();
			for (Map.Entry<String, String> query : queries.entrySet()) {
				URI uri = URI.create(gateway + "/api/v1/issues" + ws + query.getValue());
				Map<String, Long> before = cpu.sample();
				Load load = load(http, uri, token, concurrency, measure);
				results
					.add(new Result(query.getKey(), load, CpuTime.perRequest(before, cpu.sample(), load.requests())));
			}
			report(results);
			Map<String, Long> indexesAfter = indexScans(db);
			System.out.println("\nIndex scans on issue during the run:");
			indexesAfter.forEach((index, scans) -> {
				long used = scans - indexesBefore.getOrDefault(index, 0L);
				if (used > 0) {
					System.out.printf("  %-36s %d%n", index, used);
				}
			});
		}
	}

	/**
	 * issue-service learns crews and agents from crew-service's events: wait for them.
	 */
	private static void awaitProjection(Connection db, List<String[]> crews) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (true) {
			try (Statement statement = db.createStatement();
					ResultSet rs = statement.executeQuery(
							"select (select count(*) from crew_directory) , (select count(*) from agent_directory where agent_role = 'LEAD')")) {
				rs.next();
				if (rs.getInt(1) >= crews.size() && rs.getInt(2) >= crews.size()) {
					return;
				}
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("issue-service did not learn the crews within 60 s");
			}
			Thread.sleep(200);
		}
	}

	/**
	 * Issues spread over the crews and the past year, with the statuses, priorities and
	 * labels a live tracker has ("token" is in about one title in nine, "bug" on about
	 * one issue in four); each crew's counter is set to its last number.
	 */
	private static void seed(Connection db, String workspaceId, String userId, List<String[]> crews,
			Map<String, String> labels, int count) throws SQLException, IOException {
		Random random = new Random(42);
		List<String> labelIds = new ArrayList<>(labels.values());
		String bug = labels.get("bug");
		int[] numbers = new int[crews.size()];
		StringBuilder issueRows = new StringBuilder(count * 320);
		Instant now = Instant.now();
		for (int i = 0; i < count; i++) {
			int crew = random.nextInt(crews.size());
			String[] c = crews.get(crew);
			int number = ++numbers[crew];
			String id = Cuid.next();
			String status = STATUSES[random.nextInt(STATUSES.length)];
			Instant created = now.minusSeconds((long) (count - i) * 31_536_000L / count);
			StringBuilder title = new StringBuilder();
			int words = 4 + random.nextInt(5);
			for (int w = 0; w < words; w++) {
				title.append((w == 0) ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
			}
			title.append(" #").append(i);
			issueRows.append(id)
				.append(',')
				.append(workspaceId)
				.append(',')
				.append(c[0])
				.append(',')
				.append(number)
				.append(',')
				.append(c[1])
				.append('-')
				.append(number)
				.append(',')
				.append(title)
				.append(",Seeded for the list benchmark,")
				.append(status)
				.append(',')
				.append(PRIORITIES[random.nextInt(PRIORITIES.length)])
				.append(",,,user,")
				.append(userId)
				.append(",user_api,0,")
				.append(c[2])
				.append(',')
				.append(created)
				.append(',')
				.append(created);
			List<String> onIssue = new ArrayList<>();
			if (random.nextInt(4) == 0) {
				onIssue.add(bug);
			}
			int more = random.nextInt(3);
			for (int l = 0; l < more; l++) {
				String label = labelIds.get(1 + random.nextInt(labelIds.size() - 1));
				if (!onIssue.contains(label)) {
					onIssue.add(label);
				}
			}
			issueRows.append(",\"{").append(String.join(",", onIssue)).append("}\"\n");
		}
		PGConnection pg = db.unwrap(PGConnection.class);
		pg.getCopyAPI()
			.copyIn("copy issue (id, workspace_id, crew_id, number, identifier, title, description, status, priority,"
					+ " assignee_type, assignee_id, created_by_type, created_by_id, authored_via, sort_order, lead_agent_id,"
					+ " created_at, updated_at, label_ids) from stdin with (format csv)",
					new StringReader(issueRows.toString()));
		try (Statement statement = db.createStatement()) {
			for (int c = 0; c < crews.size(); c++) {
				statement
					.execute("insert into crew_issue_counter (crew_id, last_number) values ('" + crews.get(c)[0] + "', "
							+ numbers[c] + ") on conflict (crew_id) do update set last_number = excluded.last_number");
			}
			statement.execute("analyze issue");
		}
	}

	private static Map<String, Long> indexScans(Connection db) throws SQLException {
		Map<String, Long> scans = new LinkedHashMap<>();
		try (Statement statement = db.createStatement();
				ResultSet rs = statement.executeQuery(
						"select indexrelname, idx_scan from pg_stat_user_indexes where relname in ('issue', 'label') order by indexrelname")) {
			while (rs.next()) {
				scans.put(rs.getString(1), rs.getLong(2));
			}
		}
		return scans;
	}

	/**
	 * @param cpuPerRequest CPU milliseconds per request, by process
	 */
	record Result(String name, Load load, Map<String, Double> cpuPerRequest) {
	}

	record Load(long requests, long errors, Duration elapsed, Histogram latency) {

		double throughput() {
			return this.requests / (this.elapsed.toNanos() / 1e9);
		}

		double millis(double percentile) {
			return this.latency.getValueAtPercentile(percentile) / 1000.0;
		}

	}

	/** {@code concurrency} workers ask for the page back to back until the time is up. */
	private static Load load(HttpClient http, URI uri, String token, int concurrency, Duration duration)
			throws InterruptedException {
		Recorder recorder = new Recorder(3);
		AtomicLong errors = new AtomicLong();
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < concurrency; i++) {
			workers.add(Thread.ofPlatform().name("bench-" + i).start(() -> {
				while (System.nanoTime() < deadline) {
					long sent = System.nanoTime();
					try {
						HttpResponse<Void> response = http.send(
								HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
								HttpResponse.BodyHandlers.discarding());
						if (response.statusCode() != 200) {
							errors.incrementAndGet();
						}
					}
					catch (IOException ex) {
						errors.incrementAndGet();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
					recorder.recordValue((System.nanoTime() - sent) / 1000);
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join();
		}
		Histogram latency = recorder.getIntervalHistogram();
		return new Load(latency.getTotalCount(), errors.get(), Duration.ofNanos(System.nanoTime() - start), latency);
	}

	private static void report(List<Result> results) {
		System.out.printf("%n%-24s %10s %8s %10s %10s %10s %10s%n", "query", "requests", "errors", "req/s", "p50 ms",
				"p99 ms", "max ms");
		for (Result result : results) {
			Load load = result.load();
			System.out.printf("%-24s %10d %8d %10.1f %10.2f %10.2f %10.2f%n", result.name(), load.requests(),
					load.errors(), load.throughput(), load.millis(50), load.millis(99), load.millis(100));
		}
		System.out.printf("%nCPU per request, ms (utime + stime from /proc; every PostgreSQL process):%n");
		for (Result result : results) {
			StringBuilder line = new StringBuilder(String.format("%-24s", result.name()));
			double total = 0;
			for (Map.Entry<String, Double> cost : result.cpuPerRequest().entrySet()) {
				line.append(String.format(" %s %.2f,", cost.getKey(), cost.getValue()));
				total += cost.getValue();
			}
			System.out.println(line.append(String.format(" total %.2f", total)));
		}
		Load target = results.get(0).load();
		System.out.printf("%ntarget: p99 of status+label+search <= 50 ms: %s (%.2f ms)%n",
				(target.millis(99) <= 50 && target.errors() == 0) ? "met" : "NOT met", target.millis(99));
	}

	private static HttpResponse<String> send(HttpClient http, HttpRequest request)
			throws IOException, InterruptedException {
		// a just-started suite may answer 503 while the gateway first reaches a service
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		while (response.statusCode() == 503 && System.nanoTime() < deadline) {
			Thread.sleep(500);
			response = http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		return response;
	}

	private static HttpRequest get(String url, String token) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build();
	}

	private static HttpRequest post(String url, String token, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return request.build();
	}

}
