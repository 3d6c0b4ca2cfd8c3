package crewship.issue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of issue-service — this test's Spring context and a second, full
 * application context on its own port — share one database; 200 concurrent creates on
 * each, through HTTP, into one crew. The crew's counter row, taken with an upsert in each
 * creating transaction, hands out 400 distinct numbers with no gap.
 */
class IdentifierConcurrencyTests extends IssueTestSupport {

	static final int PER_REPLICA = 200;

	ConfigurableApplicationContext second;

	@AfterEach
	void stopSecondReplica() {
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void twoReplicasNumberFourHundredConcurrentCreatesWithoutGapOrReuse() throws Exception {
		Crew crew = crew("CON");
		// the second replica: the same application, database and broker (the test
		// infrastructure's), its own web server and connection pool
		this.second = new SpringApplicationBuilder(IssueServiceApplication.class, TestIdentities.GatewayKeys.class)
			.initializers(new TestInfrastructure.Initializer())
			.run("--server.port=0"); // arguments win over application.yml's port
		int secondPort = ((WebServerApplicationContext) this.second).getWebServer().getPort();
		TestHttp replicaOne = new TestHttp("http://localhost:" + this.port).withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(this.ownerId, "s1"));
		TestHttp replicaTwo = new TestHttp("http://localhost:" + secondPort).withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(this.ownerId, "s2"));
		String path = ws("/api/v1/crews/" + crew.id() + "/issues");

		List<Future<Response>> creates = new ArrayList<>();
		try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
			IntStream.range(0, PER_REPLICA).forEach(i -> {
				creates.add(clients.submit(() -> replicaOne.postJson(path, "{\"title\":\"one " + i + "\"}")));
				creates.add(clients.submit(() -> replicaTwo.postJson(path, "{\"title\":\"two " + i + "\"}")));
			});
		}
		List<Integer> numbers = new ArrayList<>();
		for (Future<Response> create : creates) {
			Response response = create.get();
			assertThat(response.status()).as(response.body()).isEqualTo(201);
			int number = response.json().get("number").asInt();
			assertThat(response.json().get("identifier").asString()).isEqualTo("CON-" + number);
			numbers.add(number);
		}
		assertThat(numbers).hasSize(2 * PER_REPLICA)
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 2 * PER_REPLICA).boxed().toList());
		assertThat(this.jdbc.queryForList("select number from issue where crew_id = ? order by number", Integer.class,
				crew.id()))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * PER_REPLICA).boxed().toList());
	}

}
