package crewship.vault.keeper;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The instance-wide budget of judge probes (each dials an endpoint and may spend model
 * tokens): a counter per minute in the database, so every replica draws on the same one.
 */
@Component
class ProbeBudget {

	private final JdbcTemplate jdbc;

	private final KeeperProperties properties;

	ProbeBudget(JdbcTemplate jdbc, KeeperProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * @throws ProblemException 429 with Retry-After once this minute's budget is spent
	 */
	@Transactional(propagation = Propagation.REQUIRES_NEW)
	public void spend() {
		Instant now = Timestamps.now();
		Instant window = now.truncatedTo(ChronoUnit.MINUTES);
		Integer used = this.jdbc.queryForObject("""
				insert into keeper_probe_budget (window_start, used) values (?, 1)
				on conflict (window_start) do update set used = keeper_probe_budget.used + 1
				returning used
				""", Integer.class, Timestamp.from(window));
		// old windows are of no use; keep the table to a handful of rows
		this.jdbc.update("delete from keeper_probe_budget where window_start < ?",
				Timestamp.from(window.minus(Duration.ofMinutes(5))));
		if (used != null && used > this.properties.probesPerMinute()) {
			throw ProblemException.tooManyRequests(
					"The Keeper probe limit of " + this.properties.probesPerMinute()
							+ " a minute is spent; try again shortly",
					Duration.between(now, window.plus(Duration.ofMinutes(1))));
		}
	}

}
