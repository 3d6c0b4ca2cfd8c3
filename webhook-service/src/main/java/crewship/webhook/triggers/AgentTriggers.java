package crewship.webhook.triggers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.web.ProblemException;
import crewship.webhook.deliveries.Deliveries;
import crewship.webhook.deliveries.Delivery;
import crewship.webhook.deliveries.Delivery.TargetKind;
import crewship.webhook.deliveries.DeliveryProperties;
import crewship.webhook.deliveries.DeliveryQueue;
import crewship.webhook.deliveries.DeliveryUnavailableException;

/**
 * Admits an agent webhook delivery the gateway has verified and answers only once it is
 * durable on Kafka, or is a duplicate of one that is.
 */
@Service
class AgentTriggers {

	private static final Logger log = LoggerFactory.getLogger(AgentTriggers.class);

	/** The target the vault names in its verdict for an agent's secret. */
	static final String AGENT_TARGET_PREFIX = "webhook.agent:";

	private final Deliveries deliveries;

	private final DeliveryQueue queue;

	private final DeliveryProperties properties;

	private final TransactionTemplate transactions;

	AgentTriggers(Deliveries deliveries, DeliveryQueue queue, DeliveryProperties properties,
			PlatformTransactionManager transactionManager) {
		this.deliveries = deliveries;
		this.queue = queue;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** What the sender presented, as forwarded by the gateway. */
	record Presented(String signature, String timestamp, String idempotencyKey, String contentType, byte[] body) {
	}

	/**
	 * @return whether the delivery was new (false: a duplicate within the window, already
	 * queued once)
	 * @throws ProblemException 401 unless the gateway verified a signature for this very
	 * agent; 503 with {@code Retry-After} when the broker did not acknowledge it
	 */
	boolean trigger(IdentityAssertion caller, String crewId, String agentId, Presented presented) {
		requireSignedFor(caller, agentId);
		Delivery delivery = new Delivery(Cuid.next(), TargetKind.AGENT, agentId, crewId, identity(agentId, presented),
				presented.body(), presented.contentType());
		Instant receivedAt = Instant.now();
		try {
			// The row and the send share one transaction: a failed send leaves no row, so
			// a
			// retry of the same delivery is not mistaken for a duplicate.
			Boolean fresh = this.transactions.execute(status -> {
				if (!this.deliveries.receive(delivery, receivedAt, this.properties.dedupWindow())) {
					return false;
				}
				this.queue.enqueue(delivery, receivedAt);
				this.deliveries.markQueued(delivery.id(), Instant.now());
				return true;
			});
			return Boolean.TRUE.equals(fresh);
		}
		catch (DeliveryUnavailableException ex) {
			log.warn("Webhook delivery for agent {} not acknowledged by Kafka: {}", agentId, rootMessage(ex));
			ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
					"The delivery could not be queued; retry later");
			problem.getHeaders()
				.set("Retry-After", Long.toString(Math.max(1, this.properties.retryAfter().toSeconds())));
			throw problem;
		}
	}

	/**
	 * Only the gateway's webhook authenticator vouches for a delivery, and only for the
	 * target whose secret verified it: a verdict for another agent grants nothing here.
	 */
	private static void requireSignedFor(IdentityAssertion caller, String agentId) {
		if (caller.method() != AuthMethod.WEBHOOK || caller.target() == null) {
			throw ProblemException.unauthorized("This endpoint accepts only webhook-signature authentication");
		}
		byte[] expected = (AGENT_TARGET_PREFIX + agentId).getBytes(StandardCharsets.UTF_8);
		if (!MessageDigest.isEqual(expected, caller.target().getBytes(StandardCharsets.UTF_8))) {
			throw ProblemException.unauthorized("The signature was not verified for this agent");
		}
	}

	/**
	 * A signed delivery's identity is its signature (with the timestamp it covers): a
	 * replay of the same signed request is the same delivery whatever
	 * {@code Idempotency-Key} it carries. Only an unsigned (deprecated plaintext-secret)
	 * delivery may name its identity with {@code Idempotency-Key}; without one it has
	 * none.
	 */
	static String identity(String agentId, Presented presented) {
		if (hasText(presented.signature())) {
			// hex is case-insensitive: case variants of one signature are one delivery
			return Secrets.sha256Hex("agent\n" + agentId + "\nsignature\n" + nullToEmpty(presented.timestamp()).trim()
					+ "\n" + presented.signature().trim().toLowerCase(Locale.ROOT));
		}
		if (hasText(presented.idempotencyKey())) {
			return Secrets.sha256Hex("agent\n" + agentId + "\nidempotency-key\n" + presented.idempotencyKey().trim());
		}
		return null;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.toString();
	}

}
