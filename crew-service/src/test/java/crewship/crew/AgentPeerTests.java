package crewship.crew;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agents' peer-card index, fed by auth-service's privacy events: cards appear, and a
 * user's purge removes theirs from this store too (the contract auth-service's
 * PrivacyTests pin from its side).
 */
class AgentPeerTests extends CrewTestSupport {

	void publish(String type, String userId, Map<String, Object> data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, this.workspaceId, userId, null, Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send("crewship.auth.v1", userId, this.json.writeValueAsString(event)).join();
	}

	void written(String cardId, String agentId, String userId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", cardId);
		data.put("agent_id", agentId);
		data.put("user_id", userId);
		data.put("user_slug", "slug-" + userId.substring(0, 6));
		data.put("bytes", 412);
		data.put("created_at", Timestamps.now().toString());
		data.put("updated_at", Timestamps.now().toString());
		publish("peer_card.written", userId, data);
	}

	JsonNode awaitPeers(String agentId, int count) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			Response peers = this.owner.validating().get(ws("/api/v1/agents/" + agentId + "/peers"));
			assertThat(peers.status()).as(peers.body()).isEqualTo(200);
			if (peers.json().size() == count || System.nanoTime() > deadline) {
				return peers.json();
			}
			sleep(100);
		}
	}

	@Test
	void theIndexFollowsCardsAndHonoursAPurge() {
		String crew = crew(slug("peers"));
		String agent = this.owner
			.postJson(ws("/api/v1/agents"),
					"{\"name\":\"Ada\",\"slug\":\"" + slug("ada") + "\",\"crew_id\":\"" + crew + "\"}")
			.json()
			.get("id")
			.asString();
		String pavel = Cuid.next();
		String eva = Cuid.next();
		written(Cuid.next(), agent, pavel);
		written(Cuid.next(), agent, eva);
		JsonNode peers = awaitPeers(agent, 2);
		assertThat(peers).hasSize(2);
		assertThat(peers.toString()).contains(pavel, eva, "\"bytes\":412").doesNotContain("content");

		publish("peer_cards.purged", pavel, Map.of("user_id", pavel, "purged", 1, "reason", "purge"));
		peers = awaitPeers(agent, 1);
		assertThat(peers).hasSize(1);
		assertThat(peers.get(0).get("user_id").asString()).isEqualTo(eva);

		String crewless = this.owner
			.postJson(ws("/api/v1/agents"), "{\"name\":\"Loner\",\"slug\":\"" + slug("loner") + "\"}")
			.json()
			.get("id")
			.asString();
		assertProblem(this.owner.get(ws("/api/v1/agents/" + crewless + "/peers")), 409, "no crew");
		assertThat(this.owner.get(ws("/api/v1/agents/" + Cuid.next() + "/peers")).status()).isEqualTo(404);
	}

}
