package crewship.mission.pipelines;

import org.junit.jupiter.api.Test;

import crewship.mission.JournalTestSupport;
import crewship.platform.events.EventEnvelope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs pipeline-webhook deliveries start, and the pipelines those webhooks name, as
 * the web UI's shell lists them.
 */
class PipelineRunTests extends JournalTestSupport {

	@Test
	void aPipelineDeliveryIsAQueuedRunOfTheWebhooksPipeline() {
		String webhook = Cuid.next();
		publish("crewship.webhook.v1", webhook, "pipeline_webhook.created", this.workspaceId, webhook,
				map("id", webhook, "workspace_id", this.workspaceId, "name", "Nightly report", "target_pipeline_slug",
						"nightly-report", "target_pipeline_version", 3, "enabled", true));
		String delivery = Cuid.next();
		EventEnvelope event = new EventEnvelope(delivery, "webhook.delivery", this.workspaceId, webhook, "webhook",
				Timestamps.now(),
				this.json.valueToTree(map("delivery_id", delivery, "target_kind", "PIPELINE", "target_id", webhook,
						"workspace_id", this.workspaceId, "dedup_key", "sig-1", "payload", "{\"x\":1}", "inputs",
						map("event", map("x", 1)))));
		send("crewship.webhook.deliveries.v1", webhook, event);
		send("crewship.webhook.deliveries.v1", webhook, event);
		String ws = "/api/v1/workspaces/" + this.workspaceId;
		await("run recorded", () -> this.owner.get(ws + "/pipeline-runs").json().get("count").asInt() == 1
				&& this.owner.get(ws + "/pipelines").json().size() == 1);

		JsonNode run = this.owner.get(ws + "/pipeline-runs").json().get("rows").get(0);
		assertThat(run.get("id").asString()).isEqualTo(delivery);
		assertThat(run.get("status").asString()).isEqualTo("queued");
		assertThat(run.get("pipeline_slug").asString()).isEqualTo("nightly-report");
		assertThat(run.get("triggered_via").asString()).isEqualTo("webhook");
		assertThat(run.get("inputs").get("event").get("x").asInt()).isEqualTo(1);
		assertThat(this.owner.get(ws + "/pipeline-runs/" + delivery).json().get("idempotency_key").asString())
			.isEqualTo("sig-1");
		assertThat(this.owner.get(ws + "/pipeline-runs/nope").status()).isEqualTo(404);
		assertThat(this.owner.get(ws + "/pipelines/runs/active").json().get(0).get("run_id").asString())
			.isEqualTo(delivery);
		JsonNode pipeline = this.owner.get(ws + "/pipelines").json().get(0);
		assertThat(pipeline.get("slug").asString()).isEqualTo("nightly-report");
		assertThat(pipeline.get("version").asInt()).isEqualTo(3);
		assertThat(this.owner.get(ws + "/pipeline-runs?status=done").status()).isEqualTo(400);
		assertThat(
				this.owner.get(ws("/api/v1/journal/count?entry_type=pipeline.run_queued")).json().get("total").asInt())
			.isEqualTo(1);
		assertThat(this.owner.get("/api/v1/workspaces/" + Cuid.next() + "/pipeline-runs").status()).isNotEqualTo(200);
	}

}
