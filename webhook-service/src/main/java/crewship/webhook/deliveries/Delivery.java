package crewship.webhook.deliveries;

import tools.jackson.databind.JsonNode;

/**
 * A delivery as it is received: its target, the identities that deduplicate it (null when
 * it has none), and the raw body forwarded byte for byte by the gateway.
 *
 * @param dedupKey the signature identity (or an unsigned agent delivery's
 * {@code Idempotency-Key})
 * @param idempotencyKey a pipeline sender's own identity ({@code Idempotency-Key} /
 * {@code X-Crewship-Event-ID}), deduplicated besides the signature
 * @param inputs a pipeline routine's inputs (null for an agent: the payload is its
 * context)
 */
public record Delivery(String id, TargetKind targetKind, String targetId, String workspaceId, String crewId,
		String dedupKey, String idempotencyKey, byte[] payload, String contentType, JsonNode inputs) {

	/** What a delivery triggers; the run executor dispatches on it. */
	public enum TargetKind {

		AGENT, PIPELINE

	}

}
