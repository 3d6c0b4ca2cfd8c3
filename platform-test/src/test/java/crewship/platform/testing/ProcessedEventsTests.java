package crewship.platform.testing;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.ProcessedEvents;
import crewship.platform.ids.Cuid;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redelivered event is recognised; a rolled-back application of it is not remembered.
 */
@ServiceTest
class ProcessedEventsTests {

	@Autowired
	ProcessedEvents processed;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Test
	void secondDeliveryIsSkippedPerConsumer() {
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		String event = Cuid.next();
		Boolean first = tx.execute(status -> this.processed.markApplied("crew-projection", event));
		Boolean again = tx.execute(status -> this.processed.markApplied("crew-projection", event));
		Boolean otherConsumer = tx.execute(status -> this.processed.markApplied("audit-store", event));
		assertThat(first).isTrue();
		assertThat(again).isFalse();
		assertThat(otherConsumer).isTrue();
	}

	@Test
	void rolledBackApplicationCanBeRetried() {
		TransactionTemplate tx = new TransactionTemplate(this.transactionManager);
		String event = Cuid.next();
		tx.executeWithoutResult(status -> {
			assertThat(this.processed.markApplied("crew-projection", event)).isTrue();
			status.setRollbackOnly(); // the effect failed
		});
		Boolean retried = tx.execute(status -> this.processed.markApplied("crew-projection", event));
		assertThat(retried).isTrue();
	}

}
