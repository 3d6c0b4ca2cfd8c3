package crewship.crew;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.crew.escalations.EscalationExpiry;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestInfrastructure;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Escalations: raised by an agent (internal listener), listed, resolved, cancelled,
 * expired once however many replicas sweep, and the agent's long poll; their events in
 * websocket.mdx's shapes.
 */
class EscalationTests extends CrewTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	EscalationExpiry expiry;

	TestHttp owner;

	TestHttp internal;

	String crewId;

	String agentId;

	String agentSlug;

	@BeforeEach
	void crewWithAnAgent() {
		this.owner = super.owner.validating();
		this.internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
		this.crewId = crew(slug("esc"));
		this.agentSlug = slug("viktor");
		this.agentId = this.owner
			.postJson(ws("/api/v1/agents"),
					"{\"name\":\"Viktor\",\"slug\":\"" + this.agentSlug + "\",\"crew_id\":\"" + this.crewId + "\"}")
			.json()
			.get("id")
			.asString();
	}

	String raise(String reason) {
		Response raised = this.internal.postJson("/api/v1/internal/escalations",
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"crew_id\":\"" + this.crewId + "\",\"agent_id\":\""
						+ this.agentId + "\",\"reason\":\"" + reason + "\",\"context\":\"schema diff\"}");
		assertThat(raised.status()).as(raised.body()).isEqualTo(201);
		assertThat(raised.json().get("status").asString()).isEqualTo("PENDING");
		return raised.json().get("id").asString();
	}

	void pastDeadline(String id) {
		this.jdbc.update("update escalation set deadline_at = now() - interval '1 minute' where id = ?", id);
	}

	@Test
	void anEscalationIsRaisedListedAndResolvedOnce() {
		String id = raise("unsure about schema impact");
		Response list = this.owner.get(ws("/api/v1/crews/" + this.crewId + "/escalations"));
		assertThat(list.status()).isEqualTo(200);
		JsonNode row = list.json().get(0);
		assertThat(row.get("id").asString()).isEqualTo(id);
		assertThat(row.get("status").asString()).isEqualTo("PENDING");
		assertThat(row.get("from_slug").asString()).isEqualTo(this.agentSlug);
		assertThat(row.get("from_name").asString()).isEqualTo("Viktor");
		assertThat(row.get("deadline_at").isString()).isTrue();
		assertThat(this.owner.get(ws("/api/v1/escalations/pending-count")).json().get("count").asInt()).isEqualTo(1);

		assertProblem(patch(this.owner, ws("/api/v1/escalations/" + id + "/resolve"), "{\"action\":\"maybe\"}"), 400,
				"approve, reject or redirect");
		assertProblem(patch(this.owner, ws("/api/v1/escalations/" + id + "/resolve"), "{\"action\":\"redirect\"}"), 400,
				"redirect_to");
		assertProblem(patch(newMember(WorkspaceRole.MEMBER), ws("/api/v1/escalations/" + id + "/resolve"),
				"{\"action\":\"approve\"}"), 403, "may not create");
		Response resolved = patch(this.owner, ws("/api/v1/escalations/" + id + "/resolve"),
				"{\"action\":\"approve\",\"resolution\":\"go ahead\"}");
		assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
		assertThat(resolved.json().get("status").asString()).isEqualTo("RESOLVED");
		assertProblem(patch(this.owner, ws("/api/v1/escalations/" + id + "/resolve"), "{\"action\":\"reject\"}"), 409,
				"it is RESOLVED");
		assertProblem(this.owner.postJson(ws("/api/v1/escalations/" + id + "/cancel"), "{}"), 409, "it is RESOLVED");
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crewId + "/escalations?status=RESOLVED")).json())
			.hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crewId + "/escalations?status=resolvd")).json()).isEmpty();
		assertThat(this.owner.get(ws("/api/v1/escalations/pending-count")).json().get("count").asInt()).isZero();

		List<JsonNode> events = events(id, 2);
		assertThat(types(events)).containsExactly("escalation.created", "escalation.resolved");
		assertThat(events.get(0).get("data").get("crew_id").asString()).isEqualTo(this.crewId);
		assertThat(events.get(0).get("data").get("from_slug").asString()).isEqualTo(this.agentSlug);
		assertThat(events.get(0).get("data").get("reason").asString()).isEqualTo("unsure about schema impact");
		assertThat(events.get(1).get("data").get("action").asString()).isEqualTo("approve");
		assertThat(events.get(1).get("data").get("from_slug").asString()).isEqualTo(this.agentSlug);
	}

	@Test
	void theAgentsLongPollEndsWithTheDecisionOrAnExplicitNoAnswer() throws Exception {
		String id = raise("may I drop the table?");
		String wait = "/api/v1/internal/escalations/" + id + "/wait?workspace_id=" + this.workspaceId;
		CompletableFuture<Response> waiting = CompletableFuture
			.supplyAsync(() -> this.internal.get(wait + "&timeout=20"));
		// the wait holds until a human decides
		assertThat(waiting).isNotCompleted();
		this.owner.postJson(ws("/api/v1/escalations/" + id + "/cancel"), "{\"reason\":\"no longer needed\"}");
		Response answer = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(answer.json().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(answer.json().get("warning").asString()).contains("without an answer");
		assertThat(types(events(id, 2))).containsExactly("escalation.created", "escalation.cancelled");

		String late = raise("is this safe?");
		pastDeadline(late);
		Response expired = this.internal
			.get("/api/v1/internal/escalations/" + late + "/wait?workspace_id=" + this.workspaceId + "&timeout=5");
		assertThat(expired.json().get("status").asString()).isEqualTo("EXPIRED");
		assertThat(expired.json().get("warning").asString()).contains("continue without the answer");
		assertProblem(patch(this.owner, ws("/api/v1/escalations/" + late + "/resolve"), "{\"action\":\"approve\"}"),
				409, "it is EXPIRED");
		JsonNode expiredEvent = events(late, 2).get(1);
		assertThat(expiredEvent.get("type").asString()).isEqualTo("escalation.expired");
		assertThat(expiredEvent.get("data").get("status").asString()).isEqualTo("EXPIRED");
		assertThat(expiredEvent.get("data").get("crew_id").asString()).isEqualTo(this.crewId);
		// a user cannot reach the agent's side
		assertThat(this.owner.get(wait).status()).isEqualTo(404);
	}

	@Test
	void aPastDeadlineQuestionIsNeverReadAsPendingAndOtherWorkspacesSeeNothing() {
		String id = raise("past due");
		pastDeadline(id);
		// the read paths settle it before answering
		assertThat(this.owner.get(ws("/api/v1/escalations/pending-count")).json().get("count").asInt()).isZero();
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crewId + "/escalations"))
			.json()
			.get(0)
			.get("status")
			.asString()).isEqualTo("EXPIRED");
		assertThat(this.owner.postJson(ws("/api/v1/escalations/sweep-expired"), "{}").json().get("expired").asInt())
			.isZero();
		assertProblem(newMember(WorkspaceRole.MANAGER).postJson(ws("/api/v1/escalations/sweep-expired"), "{}"), 403,
				"may not manage");

		String open = raise("still open");
		String other = crewship.platform.ids.Cuid.next();
		member(other, this.ownerId, WorkspaceRole.OWNER);
		assertThat(patch(this.owner, "/api/v1/escalations/" + open + "/resolve?workspace_id=" + other,
				"{\"action\":\"approve\"}")
			.status()).isEqualTo(404);
		assertThat(this.owner.postJson("/api/v1/escalations/" + open + "/cancel?workspace_id=" + other, "{}").status())
			.isEqualTo(404);
		assertThat(this.owner.get("/api/v1/crews/" + this.crewId + "/escalations?workspace_id=" + other).status())
			.isEqualTo(404);
		assertThat(this.internal
			.postJson("/api/v1/internal/escalations",
					"{\"workspace_id\":\"" + other + "\",\"crew_id\":\"" + this.crewId + "\",\"agent_id\":\""
							+ this.agentId + "\",\"reason\":\"cross\"}")
			.status()).isEqualTo(404);

		Response purged = this.owner.delete(ws("/api/v1/crews/" + this.crewId + "/escalations"));
		assertThat(purged.json().get("deleted").asInt()).isEqualTo(2);
		assertThat(this.owner.get(ws("/api/v1/crews/" + this.crewId + "/escalations")).json()).isEmpty();
	}

	@Test
	void twoReplicasSweepingAtOnceExpireEachEscalationOnce() throws Exception {
		int count = 300;
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(raise("question " + i));
		}
		ConfigurableApplicationContext second = new SpringApplicationBuilder(crewship.crew.CrewServiceApplication.class,
				TestIdentities.GatewayKeys.class)
			.initializers(new TestInfrastructure.Initializer())
			.run("--server.port=0", "--crewship.escalations.sweep-interval=1h");
		try {
			int secondPort = ((WebServerApplicationContext) second).getWebServer().getPort();
			TestHttp replicaTwo = new TestHttp("http://localhost:" + secondPort).withHeader(IdentityAssertion.HEADER,
					TestIdentities.session(this.ownerId, "s2"));
			EscalationExpiry secondExpiry = second.getBean(EscalationExpiry.class);
			// overdue only now that both replicas are up: while the second one started
			// (seconds
			// under load) this replica's own scheduled sweep could take them, outside the
			// count
			this.jdbc.update("update escalation set deadline_at = now() - interval '1 minute' where workspace_id = ?",
					this.workspaceId);
			List<Future<Integer>> sweeps = new ArrayList<>();
			try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
				for (int i = 0; i < 4; i++) {
					sweeps.add(pool.submit(() -> this.owner.postJson(ws("/api/v1/escalations/sweep-expired"), "{}")
						.json()
						.get("expired")
						.asInt()));
					sweeps.add(pool.submit(() -> replicaTwo.postJson(ws("/api/v1/escalations/sweep-expired"), "{}")
						.json()
						.get("expired")
						.asInt()));
					sweeps.add(pool.submit(() -> this.expiry.sweepWorkspace(this.workspaceId)));
					sweeps.add(pool.submit(() -> secondExpiry.sweepWorkspace(this.workspaceId)));
				}
			}
			int total = 0;
			for (Future<Integer> sweep : sweeps) {
				total += sweep.get();
			}
			assertThat(total).isEqualTo(count);
		}
		finally {
			second.close();
		}
		assertThat(this.jdbc.queryForObject(
				"select count(*) from escalation where workspace_id = ? and status = 'EXPIRED'", Long.class,
				this.workspaceId))
			.isEqualTo(count);
		// exactly one escalation.expired event per escalation
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(CREW_TOPIC,
				read -> expiredEvents(read, ids).values().stream().mapToInt(Integer::intValue).sum() >= count,
				Duration.ofSeconds(60));
		Map<String, Integer> expired = expiredEvents(records, ids);
		assertThat(expired).hasSize(count);
		assertThat(expired.values()).containsOnly(1);
	}

	private Map<String, Integer> expiredEvents(List<ConsumerRecord<String, String>> records, List<String> ids) {
		java.util.Set<String> wanted = new java.util.HashSet<>(ids);
		Map<String, Integer> counts = new HashMap<>();
		for (ConsumerRecord<String, String> record : records) {
			if (record.value() != null && wanted.contains(record.key()) && record.value().contains("escalation.expired")
					&& this.json.readTree(record.value()).get("type").asString().equals("escalation.expired")) {
				counts.merge(record.key(), 1, Integer::sum);
			}
		}
		return counts;
	}

}
