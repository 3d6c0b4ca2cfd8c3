package crewship.webhook.deliveries;

/**
 * A delivery as it is received: its target, the identity that deduplicates it (null when
 * it has none), and the raw body forwarded byte for byte by the gateway.
 */
public record Delivery(String id, TargetKind targetKind, String targetId, String crewId, String dedupKey,
		byte[] payload, String contentType) {

	/** What a delivery triggers; the run executor dispatches on it. */
	public enum TargetKind {

		AGENT, PIPELINE

	}

}
