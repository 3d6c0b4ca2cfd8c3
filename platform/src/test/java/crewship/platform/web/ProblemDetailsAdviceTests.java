package crewship.platform.web;

import java.sql.SQLException;

import org.hibernate.TransactionException;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.orm.jpa.JpaSystemException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.context.request.ServletWebRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemDetailsAdviceTests {

	private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice();

	private final ServletWebRequest request = new ServletWebRequest(
			new MockHttpServletRequest("POST", "/api/v1/crews"));

	/**
	 * A database that cannot be reached — or a pool with no connection free in time — is
	 * a passing state of the service: 503 with Retry-After, never the 500 of a fault (the
	 * replica drill saw 500s from exhausted pools).
	 */
	@Test
	void anUnreachableDatabaseIs503WithRetryAfter() {
		for (Exception ex : new Exception[] { new CannotGetJdbcConnectionException("pool timed out"),
				new CannotCreateTransactionException("Could not open JPA EntityManager for transaction") }) {
			ResponseEntity<Object> response = this.advice.handleDatabaseUnavailable(ex, this.request);
			assertThat(response.getStatusCode().value()).isEqualTo(503);
			assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("2");
			ProblemDetail problem = (ProblemDetail) response.getBody();
			assertThat(problem.getInstance()).hasToString("/api/v1/crews");
			assertThat(problem.getDetail()).doesNotContain("pool", "JPA");
		}
		assertThat(this.advice.handleConflict(new DataIntegrityViolationException("dup"), this.request)
			.getStatusCode()
			.value()).isEqualTo(409);
	}

	/**
	 * PostgreSQL crashed mid-transaction (fault drill 3): the rollback on the connection
	 * Hikari had closed replaced the I/O error, and was answered 500.
	 */
	@Test
	void aRollbackThatFailedBecauseTheDatabaseWentAwayIs503NotA500() {
		JpaSystemException rollbackFailed = new JpaSystemException(new TransactionException(
				"Unable to rollback against JDBC Connection", new SQLException("Connection is closed")));

		ResponseEntity<Object> response = this.advice.handleUnexpected(rollbackFailed, this.request);

		assertThat(response.getStatusCode().value()).isEqualTo(503);
		assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("2");
		assertThat(
				this.advice.handleUnexpected(new IllegalStateException("a bug"), this.request).getStatusCode().value())
			.isEqualTo(500);
	}

}
