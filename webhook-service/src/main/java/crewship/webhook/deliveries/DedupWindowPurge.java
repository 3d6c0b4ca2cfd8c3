package crewship.webhook.deliveries;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;

/**
 * Keeps the dedup index bounded by releasing identities older than the window. The window
 * itself is enforced when a delivery is received, so this only tidies; it is safe on
 * every replica at once (see {@link Deliveries#releaseIdentitiesBefore}).
 */
public class DedupWindowPurge {

	private static final Logger log = LoggerFactory.getLogger(DedupWindowPurge.class);

	private final Deliveries deliveries;

	private final Duration window;

	DedupWindowPurge(Deliveries deliveries, Duration window) {
		this.deliveries = deliveries;
		this.window = window;
	}

	@Scheduled(initialDelayString = "${crewship.webhook.deliveries.purge-interval:5m}",
			fixedDelayString = "${crewship.webhook.deliveries.purge-interval:5m}")
	public void purge() {
		int released = this.deliveries.releaseIdentitiesBefore(Instant.now().minus(this.window));
		if (released > 0) {
			log.debug("Released {} delivery identities older than {}", released, this.window);
		}
	}

}
