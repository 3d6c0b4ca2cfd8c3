package crewship.realtime.fanout;

import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A replica is ready for sockets only once its fan-out consumer holds its partitions: it
 * reads from the latest offset, so a socket it accepted before would silently miss every
 * event until then (seconds on a loaded machine, longer after a broker hiccup). Part of
 * {@code /readyz}; an orchestrator sends no WebSocket to the replica until it is UP.
 */
public class FanoutReadiness implements HealthIndicator {

	private final AtomicInteger assignedPartitions = new AtomicInteger(-1);

	void assigned(int partitions) {
		this.assignedPartitions.set(partitions);
	}

	public boolean isReady() {
		return this.assignedPartitions.get() > 0;
	}

	@Override
	public Health health() {
		int partitions = this.assignedPartitions.get();
		return (partitions > 0) ? Health.up().withDetail("partitions", partitions).build()
				: Health.outOfService().withDetail("reason", "fan-out consumer has no partitions yet").build();
	}

}
