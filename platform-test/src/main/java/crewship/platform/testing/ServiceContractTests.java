package crewship.platform.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every service promises the suite, run by each service against its own application:
 * it boots on its own migrated database, its probes answer, it refuses requests that
 * skipped the gateway, and an unknown path is its own problem+json 404.
 */
@ServiceTest
public abstract class ServiceContractTests {

	@LocalServerPort
	protected int port;

	@Autowired
	protected JdbcTemplate jdbc;

	protected TestHttp http;

	@BeforeEach
	void setUpHttp() {
		this.http = new TestHttp("http://localhost:" + this.port);
	}

	@Test
	void probesAnswerWithoutAnAssertion() {
		assertThat(this.http.get("/livez").status()).isEqualTo(200);
		Response ready = this.http.get("/readyz");
		assertThat(ready.status()).as(ready.body()).isEqualTo(200);
	}

	@Test
	void requestWithoutGatewayAssertionIsRefused() {
		Response response = this.http.get("/api/v1/anything");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void unknownPathIsProblem404() {
		Response response = this.http.get("/api/v1/no-such-endpoint", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("instance").asString()).isEqualTo("/api/v1/no-such-endpoint");
	}

	@Test
	void platformTablesAreMigrated() {
		Integer tables = this.jdbc.queryForObject("""
				select count(*) from information_schema.tables
				 where table_name in ('platform_outbox', 'platform_processed_event', 'platform_workspace_membership')
				""", Integer.class);
		assertThat(tables).isEqualTo(3);
	}

}
