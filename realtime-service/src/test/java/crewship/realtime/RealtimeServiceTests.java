package crewship.realtime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * realtime-service (reactive, no database) keeps the same service contract as the
 * blocking services.
 */
class RealtimeServiceTests extends RealtimeTestSupport {

	@LocalServerPort
	int port;

	TestHttp http;

	@BeforeEach
	void setUp() {
		this.http = new TestHttp("http://localhost:" + this.port);
	}

	@Test
	void readinessFollowsKafka() {
		assertThat(this.http.get("/livez").status()).isEqualTo(200);
		Response ready = this.http.get("/readyz");
		assertThat(ready.status()).as(ready.body()).isEqualTo(200);
	}

	@Test
	void requestWithoutGatewayAssertionIsRefused() {
		Response response = this.http.get("/ws");
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void unknownPathIsProblem404() {
		Response response = this.http.get("/nothing", IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("instance").asString()).isEqualTo("/nothing");
	}

}
