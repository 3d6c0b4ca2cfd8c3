package crewship.mission.metrics;

import org.junit.jupiter.api.Test;

import crewship.mission.JournalTestSupport;
import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/v1/metrics/timeseries} from the journal's run and issue records. */
class TimeseriesTests extends JournalTestSupport {

	@Test
	void countsRunsAndCostInZeroFilledBuckets() {
		String crew = Cuid.next();
		publish("crew", "crew.created", crew, map("id", crew, "name", "Alpha", "slug", "alpha"));
		for (int i = 0; i < 3; i++) {
			String run = Cuid.next();
			publish("mission", "run.started", run,
					map("id", run, "agent_id", "a1", "crew_id", crew, "status", "RUNNING", "trigger", "manual"));
			publish("mission", "run.updated", run, map("id", run, "agent_id", "a1", "crew_id", crew, "status",
					"COMPLETED", "trigger", "manual", "cost_usd", 0.5, "llm_model", "claude-x"));
		}
		EventEnvelope closed = publish("issue", "issue.updated", "iss1",
				map("id", "iss1", "crew_id", crew, "status", "DONE", "identifier", "ALP-1"));
		journaled(closed);
		await("runs journaled",
				() -> this.jdbc.queryForObject(
						"select count(*) from journal_entry where workspace_id = ? and entry_type = 'cost.incurred'",
						Integer.class, this.workspaceId) == 3);

		JsonNode runs = this.owner.get(ws("/api/v1/metrics/timeseries?metric=runs_count&group_by=crew")).json();
		assertThat(runs.get("window").asString()).isEqualTo("24h");
		assertThat(runs.get("bucket").asString()).isEqualTo("1h");
		assertThat(runs.get("buckets")).hasSize(24);
		JsonNode lastBucket = runs.get("buckets").get(23);
		assertThat(lastBucket.get("series").get(crew).asDouble()).isEqualTo(3.0);
		assertThat(runs.get("buckets").get(0).get("series").get(crew).asDouble()).isZero();
		assertThat(runs.get("series_labels").get(crew).asString()).isEqualTo("Alpha");

		JsonNode cost = this.owner
			.get(ws("/api/v1/metrics/timeseries?metric=cost_usd&window=7d&bucket=1d&group_by=model"))
			.json();
		assertThat(cost.get("buckets")).hasSize(7);
		assertThat(cost.get("buckets").get(6).get("series").get("claude-x").asDouble()).isEqualTo(1.5);

		JsonNode issues = this.owner.get(ws("/api/v1/metrics/timeseries?metric=issues_closed")).json();
		assertThat(issues.get("buckets").get(23).get("series").get("total").asDouble()).isEqualTo(1.0);
		assertThat(issues.get("series_labels").get("total").asString()).isEqualTo("Total");

		assertThat(this.owner.get(ws("/api/v1/metrics/timeseries")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/metrics/timeseries?metric=runs_count&window=30d&bucket=1h")).status())
			.as("720 buckets")
			.isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/metrics/timeseries?metric=runs_count&group_by=model")).status())
			.isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/metrics/timeseries?metric=runs_count&window=24h&bucket=1d")).status())
			.isEqualTo(200);
	}

}
