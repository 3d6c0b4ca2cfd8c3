package crewship.webhook.deliveries;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where deliveries are enqueued, how long an identity is remembered for dedup, and the
 * bounds of the send a 202 waits for.
 *
 * @param topic the run executor's work queue
 * @param dedupWindow how long a repeated delivery identity is answered as a duplicate
 * @param maxBlock producer {@code max.block.ms}: waiting for metadata or buffer space
 * @param requestTimeout producer {@code request.timeout.ms}
 * @param deliveryTimeout producer {@code delivery.timeout.ms}: the whole send, retries
 * included
 * @param retryAfter what a 503 tells the sender to wait
 */
@ConfigurationProperties("crewship.webhook.deliveries")
public record DeliveryProperties(String topic, Duration dedupWindow, Duration maxBlock, Duration requestTimeout,
		Duration deliveryTimeout, Duration retryAfter) {

}
