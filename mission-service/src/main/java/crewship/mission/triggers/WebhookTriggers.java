package crewship.mission.triggers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.engine.RunTracing;
import crewship.mission.prompts.PromptFence;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunRequests;
import crewship.mission.runs.Trigger;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook deliveries of agents ({@code crewship.webhook.deliveries.v1}, enqueued by
 * webhook-service once verified): each becomes a run with trigger WEBHOOK whose prompt is
 * the fenced, size-capped payload. A copy of a delivery (a retried send, a redelivery) is
 * the same run: the delivery's dedup key is the run's. Pipeline deliveries are the
 * pipelines' consumer's, not this one's.
 */
@Component
class WebhookTriggers {

	static final String CONSUMER = "mission.webhook-triggers";

	private static final Logger log = LoggerFactory.getLogger(WebhookTriggers.class);

	private final RunRequests runs;

	private final TriggerSupport support;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final RunTracing tracing;

	WebhookTriggers(RunRequests runs, TriggerSupport support, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager, RunTracing tracing) {
		this.tracing = tracing;
		this.runs = runs;
		this.support = support;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/**
	 * A poll's deliveries become runs in one transaction: one commit (one WAL flush) for
	 * the batch instead of one per delivery, which is most of the time from a 202 to a
	 * PENDING run when deliveries arrive together. One consumer per partition of the
	 * topic. Agents are looked up before the transaction (a lookup may wait for an agent
	 * the projection has not seen yet; no connection is held meanwhile). A batch that
	 * fails is applied again one delivery per transaction (each is idempotent: its event
	 * id is recorded with its run), so a bad delivery is named to the error handler —
	 * which dead-letters it — and the others still become runs.
	 */
	@KafkaListener(topics = "${crewship.mission.triggers.webhook-topic:crewship.webhook.deliveries.v1}",
			groupId = "${spring.application.name}.webhook-triggers", batch = "true",
			concurrency = "${crewship.mission.triggers.webhook-consumers:3}")
	void onDeliveries(List<ConsumerRecord<String, String>> records) {
		List<Prepared> batch = new ArrayList<>(records.size());
		try {
			records.forEach(record -> prepare(record).ifPresent(batch::add));
			this.transactions.executeWithoutResult(status -> batch.forEach(this::submit));
		}
		catch (RuntimeException batchFailed) {
			log.debug("A batch of {} deliveries failed ({}); applying them one by one", records.size(),
					batchFailed.toString());
			for (ConsumerRecord<String, String> record : records) {
				try {
					prepare(record).ifPresent(run -> this.transactions.executeWithoutResult(status -> submit(run)));
				}
				catch (RuntimeException ex) {
					throw new BatchListenerFailedException(
							"Webhook delivery " + record.key() + " could not become a run", ex, record);
				}
			}
		}
	}

	/**
	 * A delivery ready to become a run: the event that carried it, the run, and the trace
	 * of the request that delivered it (a batch listener has no observation per record).
	 */
	private record Prepared(String eventId, String deliveryId, NewRun run, String traceParent) {
	}

	private Optional<Prepared> prepare(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return Optional.empty();
		}
		Header traceParent = record.headers().lastHeader("traceparent");
		return prepare(this.json.readValue(record.value(), EventEnvelope.class),
				(traceParent != null) ? new String(traceParent.value(), StandardCharsets.US_ASCII) : null);
	}

	private Optional<Prepared> prepare(EventEnvelope event, String traceParent) {
		JsonNode data = event.data();
		if (!"webhook.delivery".equals(event.type()) || !"AGENT".equals(TriggerSupport.text(data, "target_kind"))) {
			log.trace("Not an agent delivery: {} {}", event.type(), TriggerSupport.text(data, "target_kind"));
			return Optional.empty();
		}
		String workspaceId = (event.workspaceId() != null) ? event.workspaceId()
				: TriggerSupport.text(data, "workspace_id");
		String agentId = TriggerSupport.text(data, "target_id");
		String deliveryId = (TriggerSupport.text(data, "delivery_id") != null)
				? TriggerSupport.text(data, "delivery_id") : event.id();
		if (workspaceId == null || agentId == null) {
			log.warn("Ignoring webhook delivery {} without workspace or agent", deliveryId);
			return Optional.empty();
		}
		AgentProfile agent = this.support.awaitAgent(workspaceId, agentId).orElse(null);
		if (agent == null) {
			log.info("Webhook delivery {} is for agent {}, unknown here: the run will fail saying so", deliveryId,
					agentId);
		}
		String dedupKey = TriggerSupport.text(data, "dedup_key");
		String crewId = (TriggerSupport.text(data, "crew_id") != null) ? TriggerSupport.text(data, "crew_id")
				: (agent != null) ? agent.crewId() : null;
		NewRun run = new NewRun(workspaceId, agentId, crewId, Trigger.WEBHOOK, prompt(data, deliveryId), List.of(),
				null, null, null, null, List.of("webhook"),
				"webhook:" + ((dedupKey != null) ? dedupKey : "delivery:" + deliveryId), null);
		return Optional.of(new Prepared(event.id(), deliveryId, run, traceParent));
	}

	/** In the caller's transaction: the event is recorded as applied with its run. */
	private void submit(Prepared prepared) {
		if (this.processed.markApplied(CONSUMER, prepared.eventId())) {
			String runId = this.tracing.continuing(prepared.traceParent(), "webhook delivery",
					() -> this.runs.submit(prepared.run()));
			log.debug("Webhook delivery {} is run {}", prepared.deliveryId(), runId);
		}
	}

	private static String prompt(JsonNode data, String deliveryId) {
		String contentType = TriggerSupport.text(data, "content_type");
		String payload = TriggerSupport.text(data, "payload");
		String sha = TriggerSupport.text(data, "payload_sha256");
		String details = "Delivery " + deliveryId + ((contentType != null) ? ", " + contentType : "")
				+ ((payload != null)
						? ", " + payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes" : "")
				+ ((sha != null) ? ", sha256 " + sha : "");
		return "A webhook delivery triggered this run.\n" + PromptFence.fence("webhook payload", details, payload);
	}

}
