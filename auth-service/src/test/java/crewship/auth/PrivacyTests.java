package crewship.auth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Privacy: the person's own peer cards and operator model, consent enforced where agents
 * write, the purge that removes everything here and tells the other stores (its event
 * pinned for crew-service's index), and a write racing an opt-out.
 */
class PrivacyTests extends WorkspaceTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	JdbcTemplate jdbc;

	User pavel;

	TestHttp asPavel;

	TestHttp internal;

	@BeforeEach
	void aMember() {
		this.pavel = newUser();
		addMember(this.pavel, "MEMBER");
		this.asPavel = as(this.pavel);
		this.internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
	}

	String ws(String path) {
		return path + "?workspace_id=" + this.workspaceId;
	}

	Response writeCard(String agentId, String content) {
		return this.internal.send("PUT", "/api/v1/internal/peer-cards", "application/json",
				"{\"workspace_id\":\"" + this.workspaceId + "\",\"agent_id\":\"" + agentId
						+ "\",\"agent_slug\":\"ada\"," + "\"user_id\":\"" + this.pavel.getId()
						+ "\",\"user_slug\":\"pavel\",\"content\":" + JSON.writeValueAsString(content) + "}");
	}

	Response recordFacts(String facts) {
		return this.internal.postJson("/api/v1/internal/user-models/facts", "{\"workspace_id\":\"" + this.workspaceId
				+ "\",\"user_id\":\"" + this.pavel.getId() + "\",\"facts\":" + facts + "}");
	}

	long cardsHeld() {
		return this.jdbc.queryForObject("select count(*) from peer_card where workspace_id = ? and user_id = ?",
				Long.class, this.workspaceId, this.pavel.getId());
	}

	@Test
	void aPersonSeesAndPurgesTheCardsAboutThem() {
		String ada = Cuid.next();
		Response written = writeCard(ada, "# Pavel\n- prefers async");
		assertThat(written.status()).as(written.body()).isEqualTo(201);
		assertThat(writeCard(ada, "# Pavel\n- prefers async\n- runs infra").status()).isEqualTo(200);
		assertThat(writeCard(Cuid.next(), "# Pavel\n- reviews on Fridays").status()).isEqualTo(201);

		Response mine = this.asPavel.get(ws("/api/v1/users/me/peer-cards"));
		assertThat(mine.status()).isEqualTo(200);
		assertThat(mine.json().get("user_id").asString()).isEqualTo(this.pavel.getId());
		JsonNode peers = mine.json().get("peers");
		assertThat(peers).hasSize(2);
		assertThat(peers.toString()).contains("runs infra", "reviews on Fridays", "\"agent_slug\":\"ada\"",
				"\"user_slug\":\"pavel\"");
		// the owner sees only what is held about the owner: nothing
		assertThat(this.asOwner.get(ws("/api/v1/users/me/peer-cards")).json().get("peers")).isEmpty();
		// each read is audited
		assertThat(this.jdbc.queryForObject(
				"select count(*) from peer_card_audit where user_id = ? and action = 'read' and card_id is not null",
				Long.class, this.pavel.getId()))
			.isEqualTo(2);

		Response purged = this.asPavel.delete(ws("/api/v1/users/me/peer-cards"));
		assertThat(purged.status()).isEqualTo(200);
		assertThat(purged.json().get("purged").asInt()).isEqualTo(2);
		assertThat(cardsHeld()).isZero();
		assertThat(this.asPavel.get(ws("/api/v1/users/me/peer-cards")).json().get("peers")).isEmpty();
		// purge does not touch consent: new cards may still be written
		assertThat(this.asPavel.get(ws("/api/v1/users/me/peer-consent")).json().get("opted_out").asBoolean()).isFalse();

		// the event every other store honours, keyed by the user so it follows their
		// writes
		List<JsonNode> events = authEvents(this.pavel.getId(), "peer_cards.purged");
		JsonNode event = events.get(0);
		assertThat(event.get("workspace_id").asString()).isEqualTo(this.workspaceId);
		assertThat(event.get("data").get("user_id").asString()).isEqualTo(this.pavel.getId());
		assertThat(event.get("data").get("purged").asInt()).isEqualTo(2);
		JsonNode written1 = authEvents(this.pavel.getId(), "peer_card.written").get(0);
		assertThat(written1.get("data").get("agent_id").asString()).isEqualTo(ada);
		assertThat(written1.get("data").get("user_slug").asString()).isEqualTo("pavel");
		assertThat(written1.get("data").get("bytes").asInt()).isPositive();
		assertThat(written1.get("data").has("content")).as("no content leaves auth-service").isFalse();
	}

	@Test
	void optingOutPurgesEverythingAndStopsEveryWrite() {
		writeCard(Cuid.next(), "# Pavel");
		assertThat(recordFacts("[{\"key\":\"role\",\"value\":\"runs the platform team\"}]").status()).isEqualTo(200);
		Response consent = this.asPavel.get(ws("/api/v1/users/me/peer-consent"));
		assertThat(consent.json().get("opted_out").asBoolean()).isFalse();
		assertThat(consent.json().get("opted_out_at").asString()).isEmpty();
		assertThat(consent.json().get("workspace_id").asString()).isEqualTo(this.workspaceId);

		Response out = this.asPavel.send("PUT", ws("/api/v1/users/me/peer-consent"), "application/json",
				"{\"opted_out\":true}");
		assertThat(out.status()).as(out.body()).isEqualTo(200);
		assertThat(out.json().get("purged").asInt()).isEqualTo(1);
		assertThat(out.json().get("purged_models").asInt()).isEqualTo(1);
		assertThat(out.json().get("opted_out_at").asString()).isNotEmpty();
		assertThat(cardsHeld()).isZero();
		assertThat(this.asPavel.get(ws("/api/v1/users/me/user-model")).json().get("exists").asBoolean()).isFalse();

		Response refused = writeCard(Cuid.next(), "# Pavel again");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.json().get("detail").asString()).contains("opted out");
		assertThat(recordFacts("[{\"key\":\"tz\",\"value\":\"UTC\"}]").status()).isEqualTo(409);
		assertThat(cardsHeld()).isZero();

		Response back = this.asPavel.send("PUT", ws("/api/v1/users/me/peer-consent"), "application/json",
				"{\"opted_out\":false}");
		assertThat(back.json().get("purged").asInt()).isZero();
		assertThat(back.json().get("opted_out_at").asString()).isEmpty();
		assertThat(writeCard(Cuid.next(), "# Pavel").status()).isEqualTo(201);
		assertThat(this.asPavel.send("PUT", ws("/api/v1/users/me/peer-consent"), "application/json", "{}").status())
			.isEqualTo(400);
	}

	@Test
	void aWriteRacingTheOptOutNeverSurvivesIt() throws Exception {
		List<Future<Integer>> writes = new ArrayList<>();
		Future<Response> optOut;
		try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
			for (int i = 0; i < 30; i++) {
				writes.add(pool.submit(() -> writeCard(Cuid.next(), "# Pavel").status()));
			}
			optOut = pool.submit(() -> this.asPavel.send("PUT", ws("/api/v1/users/me/peer-consent"), "application/json",
					"{\"opted_out\":true}"));
			for (int i = 0; i < 30; i++) {
				writes.add(pool.submit(() -> writeCard(Cuid.next(), "# Pavel").status()));
			}
		}
		assertThat(optOut.get().status()).isEqualTo(200);
		for (Future<Integer> write : writes) {
			assertThat(write.get()).isIn(200, 201, 409);
		}
		// whatever was written before the opt-out was purged by it; nothing after it
		// stuck
		assertThat(cardsHeld()).isZero();
	}

	@Test
	void theOperatorModelIsReadAndForgottenFieldByField() {
		Response empty = this.asPavel.get(ws("/api/v1/users/me/user-model"));
		assertThat(empty.json().get("exists").asBoolean()).isFalse();
		assertThat(empty.json().get("facts")).isEmpty();
		assertThat(this.asPavel.delete(ws("/api/v1/users/me/user-model/facts/role")).status()).isEqualTo(404);

		recordFacts(
				"[{\"key\":\"role\",\"value\":\"runs the platform team\"},{\"key\":\"timezone\",\"value\":\"UTC+1\"}]");
		recordFacts("[{\"key\":\"Timezone\",\"value\":\"UTC+2\"}]");
		JsonNode model = this.asPavel.get(ws("/api/v1/users/me/user-model")).json();
		assertThat(model.get("exists").asBoolean()).isTrue();
		assertThat(model.get("content").asString()).isEqualTo("- role: runs the platform team\n- Timezone: UTC+2");
		assertThat(model.get("facts")).hasSize(2);
		assertThat(model.get("user_slug").asString()).hasSize(16);

		Response forgot = this.asPavel.delete(ws("/api/v1/users/me/user-model/facts/TIMEZONE"));
		assertThat(forgot.status()).isEqualTo(200);
		assertThat(forgot.json().get("exists").asBoolean()).isTrue();
		assertThat(forgot.json().get("remaining").get(0).get("key").asString()).isEqualTo("role");
		assertThat(this.asPavel.delete(ws("/api/v1/users/me/user-model/facts/nickname")).status()).isEqualTo(404);
		Response last = this.asPavel.delete(ws("/api/v1/users/me/user-model/facts/role"));
		assertThat(last.json().get("exists").asBoolean()).isFalse();
		assertThat(last.json().get("remaining")).isEmpty();
		assertThat(this.asPavel.delete(ws("/api/v1/users/me/user-model")).json().get("purged").asInt()).isZero();

		recordFacts("[{\"key\":\"role\",\"value\":\"lead\"}]");
		assertThat(this.asPavel.delete(ws("/api/v1/users/me/user-model")).json().get("purged").asInt()).isEqualTo(1);
		// purging the model does not opt out
		assertThat(recordFacts("[{\"key\":\"role\",\"value\":\"lead\"}]").status()).isEqualTo(200);
		assertThat(recordFacts("[{\"key\":\"a:b\",\"value\":\"x\"}]").status()).isEqualTo(400);
	}

	@Test
	void onlyMembersAreWrittenAboutAndOnlyInternalCallersWrite() {
		User stranger = newUser();
		Response notMember = this.internal.send("PUT", "/api/v1/internal/peer-cards", "application/json",
				"{\"workspace_id\":\"" + this.workspaceId
						+ "\",\"agent_id\":\"a\",\"agent_slug\":\"ada\",\"user_id\":\"" + stranger.getId()
						+ "\",\"content\":\"x\"}");
		assertThat(notMember.status()).isEqualTo(404);
		assertThat(this.asPavel
			.send("PUT", "/api/v1/internal/peer-cards", "application/json",
					"{\"workspace_id\":\"" + this.workspaceId
							+ "\",\"agent_id\":\"a\",\"agent_slug\":\"ada\",\"user_id\":\"" + this.pavel.getId()
							+ "\",\"content\":\"x\"}")
			.status()).isEqualTo(404);
		// a stranger has no workspace context here
		assertThat(as(stranger).get(ws("/api/v1/users/me/peer-cards")).status()).isEqualTo(404);
		assertThat(this.http.get(ws("/api/v1/users/me/peer-cards")).status()).isEqualTo(401);
	}

	private List<JsonNode> authEvents(String key, String type) {
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil("crewship.auth.v1",
				read -> read.stream().anyMatch(r -> key.equals(r.key()) && r.value().contains("\"" + type + "\"")),
				Duration.ofSeconds(30));
		return records.stream()
			.filter(r -> key.equals(r.key()))
			.map(r -> JSON.readTree(r.value()))
			.filter(event -> event.get("type").asString().equals(type))
			.toList();
	}

}
