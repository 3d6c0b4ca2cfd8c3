package crewship.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import crewship.systemtests.Client.Response;
import crewship.systemtests.IdentitySystemTests.SignedIn;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load the fault drills of issue 16 send through the gateway — reads and writes on
 * six services as two signed-in users — and the check that every write answered 2xx is
 * there afterwards, read back through the API.
 */
final class DrillLoad {

	/** The routes' breaker time limit: no answer may take longer. */
	static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(30);

	/** Longer than the route timeout: an answer the gateway gives late is still seen. */
	static final Duration CLIENT_TIMEOUT = ROUTE_TIMEOUT.plusSeconds(5);

	/** One request of the load and how it ended; {@code startedNanos} is nanoTime. */
	record Outcome(String service, String operation, boolean write, int status, boolean retryAfterProblem, long millis,
			String createdId, String failure, long startedNanos) {

		boolean answered2xx() {
			return this.status >= 200 && this.status < 300;
		}

		/** What the drills allow: the 2xx, or 503 problem+json with Retry-After. */
		boolean acceptable() {
			return answered2xx() || (this.status == 503 && this.retryAfterProblem);
		}

	}

	/** A kind of request the load sends, and (for a write) how to find what it made. */
	record Operation(String service, String name, boolean write, Function<Long, Response> send) {
	}

	private final String gateway;

	private final SignedIn owner;

	private final SignedIn founder;

	private final String workspaceId;

	/** The writes {@link #verifyWrites} did not find. */
	private final List<Outcome> lost = java.util.Collections.synchronizedList(new ArrayList<>());

	/**
	 * @param owner whose workspace the load reads and writes in
	 * @param founder who creates the workspaces the load makes, so the owner's lists stay
	 * small
	 */
	DrillLoad(String gateway, SignedIn owner, SignedIn founder) {
		this.gateway = gateway;
		this.owner = owner;
		this.founder = founder;
		this.workspaceId = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
	}

	String workspaceId() {
		return this.workspaceId;
	}

	List<Outcome> lost() {
		return List.copyOf(this.lost);
	}

	String ownerCookie() {
		return this.owner.cookieHeader();
	}

	/** Reads and writes on auth, crew, mission, issue, vault and webhook-service. */
	List<Operation> operations() {
		String gateway = this.gateway;
		String ws = "?workspace_id=" + this.workspaceId;
		String run = UUID.randomUUID().toString().substring(0, 8);
		String cookie = this.owner.cookieHeader();
		String founderCookie = this.founder.cookieHeader();
		String webhooks = gateway + "/api/v1/workspaces/" + this.workspaceId + "/pipeline-webhooks";
		return List.of(
				new Operation("auth-service", "read workspace", false,
						n -> get(gateway + "/api/v1/workspaces/" + this.workspaceId, "Cookie", cookie)),
				new Operation("auth-service", "create workspace", true,
						n -> post(gateway + "/api/v1/workspaces",
								"{\"name\":\"Drill " + n + "\",\"slug\":\"drill-" + run + "-" + n + "\"}", "Cookie",
								founderCookie, "Origin", gateway)),
				new Operation("crew-service", "list crews", false,
						n -> get(gateway + "/api/v1/crews" + ws + "&limit=5", "Cookie", cookie)),
				new Operation("crew-service", "create crew", true,
						n -> post(gateway + "/api/v1/crews" + ws,
								"{\"name\":\"Drill crew " + n + "\",\"slug\":\"dc-" + run + "-" + n + "\"}", "Cookie",
								cookie, "Origin", gateway)),
				new Operation("mission-service", "list missions", false,
						n -> get(gateway + "/api/v1/missions" + ws + "&limit=5", "Cookie", cookie)),
				new Operation("issue-service", "list projects", false,
						n -> get(gateway + "/api/v1/projects" + ws + "&limit=5", "Cookie", cookie)),
				new Operation("issue-service", "create project", true, n -> post(gateway + "/api/v1/projects" + ws,
						"{\"name\":\"Drill project " + run + " " + n + "\"}", "Cookie", cookie, "Origin", gateway)),
				new Operation("credential-vault-service", "list credentials", false,
						n -> get(gateway + "/api/v1/credentials" + ws + "&limit=5", "Cookie", cookie)),
				new Operation("credential-vault-service", "create credential", true,
						n -> post(gateway + "/api/v1/credentials" + ws,
								"{\"name\":\"drill-" + run + "-" + n
										+ "\",\"type\":\"API_KEY\",\"provider\":\"OPENAI\",\"value\":\"sk-drill-" + run
										+ n + "\"}",
								"Cookie", cookie, "Origin", gateway)),
				new Operation("mission-service", "mission metrics", false,
						n -> get(gateway + "/api/v1/mission-metrics" + ws, "Cookie", cookie)),
				new Operation("webhook-service", "list pipeline webhooks", false,
						n -> get(webhooks + "?limit=5", "Cookie", cookie)),
				new Operation("webhook-service", "create pipeline webhook", true,
						n -> post(webhooks, "{\"name\":\"Drill " + n + "\",\"target_pipeline_slug\":\"process-event\","
								+ "\"target_pipeline_version\":1,\"inputs_template\":{},\"rate_limit_per_min\":120}",
								"Cookie", cookie, "Origin", gateway)));
	}

	private static Response get(String url, String... headers) {
		return Client.send("GET", url, null, CLIENT_TIMEOUT, headers);
	}

	private static Response post(String url, String json, String... headers) {
		return Client.send("POST", url, json, CLIENT_TIMEOUT, headers);
	}

	/** Sends the {@code n}th request of the load and records how it ended. */
	static Outcome run(Operation operation, long n) {
		long started = System.nanoTime();
		try {
			Response response = operation.send().apply(n);
			long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
			boolean problem = String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")
					&& response.header("Retry-After") != null;
			String id = (operation.write() && response.status() == 201) ? response.json().get("id").asString() : null;
			return new Outcome(operation.service(), operation.name(), operation.write(), response.status(), problem,
					millis, id, (response.status() >= 300) ? response.body() : null, started);
		}
		catch (RuntimeException | AssertionError ex) {
			// no answer (a timeout, a reset) or a 2xx body of the wrong shape
			return new Outcome(operation.service(), operation.name(), operation.write(), -1, false,
					Duration.ofNanos(System.nanoTime() - started).toMillis(), null, String.valueOf(ex), started);
		}
	}

	/**
	 * Reads back every write answered 2xx. @return acknowledged writes found, by service,
	 * and under {@code lost} those not found (each printed as a {@code LOST:} line)
	 */
	Map<String, Integer> verifyWrites(Collection<Outcome> outcomes) {
		String gateway = this.gateway;
		String ws = "?workspace_id=" + this.workspaceId;
		Map<String, Integer> verified = new TreeMap<>();
		Set<String> webhookIds = new HashSet<>();
		for (int offset = 0;; offset += 100) {
			Response page = Client.get(gateway + "/api/v1/workspaces/" + this.workspaceId
					+ "/pipeline-webhooks?limit=100&offset=" + offset, "Cookie", this.owner.cookieHeader());
			assertThat(page.status()).as(page.body()).isEqualTo(200);
			page.json().forEach(webhook -> webhookIds.add(webhook.get("id").asString()));
			if (page.json().size() < 100) {
				break;
			}
		}
		List<Outcome> acknowledged = outcomes.stream()
			.filter(outcome -> outcome.write() && outcome.createdId() != null)
			.toList();
		String cookie = this.owner.cookieHeader();
		try (ExecutorService readers = Executors.newFixedThreadPool(8)) {
			List<Future<Outcome>> missing = new ArrayList<>();
			for (Outcome write : acknowledged) {
				missing.add(readers.submit(() -> {
					String id = write.createdId();
					if (write.operation().equals("create pipeline webhook")) {
						return webhookIds.contains(id) ? null : write;
					}
					String url = switch (write.operation()) {
						case "create workspace" -> gateway + "/api/v1/workspaces/" + id;
						case "create crew" -> gateway + "/api/v1/crews/" + id + ws;
						case "create project" -> gateway + "/api/v1/projects/" + id + ws;
						case "create credential" -> gateway + "/api/v1/credentials/" + id + ws;
						default -> throw new IllegalStateException(write.operation());
					};
					String reader = write.operation().equals("create workspace") ? this.founder.cookieHeader() : cookie;
					// only a 404 (or a read that keeps failing) is a lost write, not one
					// 503 of a service still settling
					Response read = Client.get(url, "Cookie", reader);
					for (int attempt = 1; attempt < 10 && read.status() != 200 && read.status() != 404; attempt++) {
						OutageDrill.sleep(1000);
						read = Client.get(url, "Cookie", reader);
					}
					boolean present = read.status() == 200;
					if (!present) {
						System.out.println("LOST (read back " + read.status() + "): " + write);
					}
					return present ? null : write;
				}));
			}
			List<Outcome> lost = new ArrayList<>();
			for (Future<Outcome> future : missing) {
				Outcome gone = future.get();
				if (gone != null) {
					lost.add(gone);
				}
			}
			verified.put("lost", lost.size());
			this.lost.addAll(lost);
			acknowledged.stream()
				.filter(write -> !lost.contains(write))
				.forEach(write -> verified.merge(write.service(), 1, Integer::sum));
		}
		catch (InterruptedException | ExecutionException ex) {
			throw new IllegalStateException(ex);
		}
		return verified;
	}

	static long percentile(Collection<Outcome> outcomes, double p) {
		long[] millis = outcomes.stream().mapToLong(Outcome::millis).sorted().toArray();
		return (millis.length == 0) ? 0 : millis[(int) Math.min(millis.length - 1, Math.floor(p * millis.length))];
	}

	private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	/** The status a readiness (or any) probe of {@code url} answered; -1 for none. */
	static int probe(String url, Duration timeout) {
		try {
			return PROBE
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
