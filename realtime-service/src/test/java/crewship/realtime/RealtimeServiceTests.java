package crewship.realtime;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;

import crewship.realtime.fanout.FanoutReadiness;

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

	@Autowired
	FanoutReadiness fanout;

	/**
	 * Ready once Kafka answers and the fan-out consumer holds its partitions: before that
	 * a socket would miss events (the consumer reads from the latest offset).
	 */
	@Test
	void readinessFollowsKafkaAndTheFanoutConsumer() {
		assertThat(this.http.get("/livez").status()).isEqualTo(200);
		assertThat(new FanoutReadiness().health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			Response ready = this.http.get("/readyz");
			assertThat(ready.status()).as(ready.body()).isEqualTo(200);
		});
		assertThat(this.fanout.isReady()).isTrue();
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
