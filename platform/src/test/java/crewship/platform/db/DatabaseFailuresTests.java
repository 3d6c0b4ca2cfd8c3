package crewship.platform.db;

import java.sql.SQLException;

import org.hibernate.TransactionException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFailuresTests {

	/**
	 * What fault drill 3 saw when PostgreSQL crashed under writes: the statement's I/O
	 * error, then the rollback on the connection Hikari had closed replacing it.
	 */
	@Test
	void aRollbackThatFailedOnTheClosedConnectionIsTheDatabaseBeingAway() {
		JpaSystemException rollbackFailed = new JpaSystemException(new TransactionException(
				"Unable to rollback against JDBC Connection", new SQLException("Connection is closed")));

		assertThat(DatabaseFailures.unavailable(rollbackFailed)).isTrue();
	}

	@Test
	void connectionStatesAndSpringsResourceFailuresAreTheDatabaseBeingAway() {
		assertThat(DatabaseFailures.unavailable(new SQLException("An I/O error occurred", "08006"))).isTrue();
		assertThat(
				DatabaseFailures.unavailable(new RuntimeException(new SQLException("terminating connection", "57P01"))))
			.isTrue();
		assertThat(DatabaseFailures.unavailable(new CannotCreateTransactionException("no connection"))).isTrue();
	}

	@Test
	void faultsOfTheWorkAreNot() {
		assertThat(DatabaseFailures.unavailable(new DataIntegrityViolationException("duplicate key"))).isFalse();
		assertThat(DatabaseFailures.unavailable(new SQLException("syntax error", "42601"))).isFalse();
		assertThat(DatabaseFailures.unavailable(new IllegalStateException("a bug"))).isFalse();
	}

}
