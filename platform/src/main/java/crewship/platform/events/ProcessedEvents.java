package crewship.platform.events;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Idempotent consumption: a consumer records each event id it applies, in the same
 * transaction as the effect, and skips an id it has seen.
 */
public class ProcessedEvents {

	private final JdbcTemplate jdbc;

	public ProcessedEvents(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @return true the first time this consumer sees the event, false for a redelivery
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public boolean markApplied(String consumer, String eventId) {
		return this.jdbc.update(
				"insert into platform_processed_event (consumer, event_id) values (?, ?) on conflict do nothing",
				consumer, eventId) == 1;
	}

}
