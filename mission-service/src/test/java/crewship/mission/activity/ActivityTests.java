package crewship.mission.activity;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.mission.JournalTestSupport;
import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The seed's activity feed, from the journal. */
class ActivityTests extends JournalTestSupport {

	@Test
	void showsWhatHappenedInTheCrewsNewestFirst() {
		String crewA = Cuid.next();
		String crewB = Cuid.next();
		String agent = Cuid.next();
		publish("crew", "crew.created", crewA, map("id", crewA, "name", "Alpha", "slug", "alpha"));
		publish("crew", "crew.created", crewB, map("id", crewB, "name", "Beta", "slug", "beta"));
		publish("crew", "agent.hired", agent, map("id", agent, "crew_id", crewA, "name", "Ada", "slug", "ada"));
		publish("crew", "escalation.created", "esc1",
				map("id", "esc1", "crew_id", crewA, "agent_id", agent, "title", "Schema impact?"));
		EventEnvelope last = publish("auth", "workspace.updated", this.workspaceId,
				map("id", this.workspaceId, "name", "Acme"));
		journaled(last);

		JsonNode feed = this.owner.get(ws("/api/v1/activity")).json();
		List<String> types = types(feed);
		assertThat(types).containsExactly("peer.escalation", "agent.hired", "crew.created", "crew.created");
		assertThat(feed.get("count").asInt()).isEqualTo(4);
		assertThat(feed.get("complete").asBoolean()).isTrue();
		assertThat(feed.get("sources").get(0).get("ok").asBoolean()).isTrue();
		assertThat(feed.get("activity").get(0).get("severity").asString()).isEqualTo("warn");

		assertThat(types(this.owner.get(ws("/api/v1/activity?crew_id=" + crewA + "&limit=2")).json()))
			.containsExactly("peer.escalation", "agent.hired");
		assertThat(this.owner.get(ws("/api/v1/activity?limit=0")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/activity?limit=101")).status()).isEqualTo(400);
		assertThat(this.http.get(ws("/api/v1/activity")).status()).isEqualTo(401);
	}

	private static List<String> types(JsonNode feed) {
		List<String> types = new ArrayList<>();
		feed.get("activity").forEach(item -> types.add(item.get("entry_type").asString()));
		return types;
	}

}
