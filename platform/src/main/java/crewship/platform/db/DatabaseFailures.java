package crewship.platform.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Whether a failure means the database could not be reached — PostgreSQL restarting or
 * crashed, a connection cut, no pooled connection in time — rather than a fault of the
 * work. Such work did not commit and may be tried again: a request is answered 503 with
 * {@code Retry-After}, a consumer retries the record.
 *
 * <p>
 * The whole cause chain is read, since the failure is often wrapped in another: when the
 * connection dies mid-transaction, Spring's rollback on the dead connection fails too and
 * its exception (a {@code JpaSystemException} "Unable to rollback against JDBC
 * Connection", caused by Hikari's "Connection is closed") replaces the I/O error — fault
 * drill 3 saw those answered 500.
 */
public final class DatabaseFailures {

	/** Hikari's answer on a connection it closed (after a fatal error); no SQLState. */
	private static final String CLOSED_BY_POOL = "Connection is closed";

	private DatabaseFailures() {
	}

	public static boolean unavailable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof DataAccessResourceFailureException
					|| cause instanceof TransientDataAccessResourceException
					|| cause instanceof CannotCreateTransactionException
					|| cause instanceof SQLTransientConnectionException
					|| cause instanceof SQLNonTransientConnectionException) {
				return true;
			}
			if (cause instanceof SQLException sql
					&& (connectionLost(sql.getSQLState()) || CLOSED_BY_POOL.equals(sql.getMessage()))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * SQLState class 08 (connection exception) and PostgreSQL's 57P01-57P03 (admin or
	 * crash shutdown, cannot connect now).
	 */
	private static boolean connectionLost(String state) {
		return state != null && (state.startsWith("08") || state.startsWith("57P0"));
	}

}
