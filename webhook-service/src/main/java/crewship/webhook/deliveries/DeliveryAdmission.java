package crewship.webhook.deliveries;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.web.ProblemException;
import crewship.webhook.deliveries.Deliveries.Receipt;

/**
 * Admits a verified delivery, for agent triggers and pipeline dispatch alike: the record
 * and the acknowledged send share one transaction, so the answer is given only once the
 * delivery is durable on Kafka (or is a duplicate of one that is), and a failed send
 * leaves no row a retry could be mistaken for a duplicate of.
 */
public class DeliveryAdmission {

	private static final Logger log = LoggerFactory.getLogger(DeliveryAdmission.class);

	private final Deliveries deliveries;

	private final DeliveryQueue queue;

	private final DeliveryProperties properties;

	private final TransactionTemplate transactions;

	DeliveryAdmission(Deliveries deliveries, DeliveryQueue queue, DeliveryProperties properties,
			PlatformTransactionManager transactionManager) {
		this.deliveries = deliveries;
		this.queue = queue;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/**
	 * @return the delivery's record (the original's for a duplicate)
	 * @throws ProblemException 503 with {@code Retry-After} when the broker did not
	 * acknowledge it
	 */
	public Receipt admit(Delivery delivery) {
		Instant receivedAt = Instant.now();
		try {
			return this.transactions.execute(status -> {
				Receipt receipt = this.deliveries.receive(delivery, receivedAt, this.properties.dedupWindow());
				if (receipt.fresh()) {
					this.queue.enqueue(delivery, receivedAt);
					this.deliveries.markQueued(delivery.id(), Instant.now());
				}
				return receipt;
			});
		}
		catch (DeliveryUnavailableException ex) {
			log.warn("Webhook delivery for {} {} not acknowledged by Kafka: {}", delivery.targetKind(),
					delivery.targetId(), rootMessage(ex));
			ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
					"The delivery could not be queued; retry later");
			problem.getHeaders()
				.set("Retry-After", Long.toString(Math.max(1, this.properties.retryAfter().toSeconds())));
			throw problem;
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return root.toString();
	}

}
