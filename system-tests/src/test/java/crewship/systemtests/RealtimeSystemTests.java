package crewship.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;
import crewship.platform.testing.WsClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /ws} through the gateway: a crew created over REST reaches a WebSocket
 * subscriber of its workspace (crew-service's outbox → Kafka → realtime-service), a
 * stranger's subscribe is refused, a crew channel no event has reached is resolved
 * through crew-service, and two realtime replicas each deliver to their own clients.
 */
class RealtimeSystemTests {

	static final Duration WAIT = Duration.ofSeconds(30);

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
		// signUpAndIn() uses IdentitySystemTests' gateway, set only by its own @BeforeAll
		IdentitySystemTests.startSuite();
	}

	static String workspaceOf(IdentitySystemTests.SignedIn user) {
		return Client.get(gateway + "/api/v1/workspaces", "Cookie", user.cookieHeader())
			.json()
			.get(0)
			.get("id")
			.asString();
	}

	/**
	 * Connects with the WebSocket token at the handshake, as a browser on the gateway.
	 */
	static WsClient connect(String gatewayUrl, IdentitySystemTests.SignedIn user) {
		return WsClient.connect(gatewayUrl.replace("http://", "ws://") + "/ws?token=" + wsToken(gatewayUrl, user),
				"Origin", gatewayUrl);
	}

	static String wsToken(String gatewayUrl, IdentitySystemTests.SignedIn user) {
		Response token = Client.get(gatewayUrl + "/api/v1/ws-token", "Cookie", user.cookieHeader());
		assertThat(token.status()).as(token.body()).isEqualTo(200);
		return token.json().get("token").asString();
	}

	static void subscribe(WsClient client, String channel) throws InterruptedException {
		List<JsonNode> errors = client.roundTrip("{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
		assertThat(errors).as("subscribe " + channel).isEmpty();
	}

	static String createCrew(IdentitySystemTests.SignedIn owner, String workspaceId) {
		String slug = "crew-" + UUID.randomUUID().toString().substring(0, 8);
		Response created = Client.post(gateway + "/api/v1/crews?workspace_id=" + workspaceId,
				"{\"name\":\"Realtime\",\"slug\":\"" + slug + "\"}", "Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	@Test
	void aCrewCreatedOverRestReachesTheWorkspaceSubscriberAndAStrangerIsRefused() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = workspaceOf(owner);
		WsClient client = connect(gateway, owner);
		subscribe(client, "workspace:" + workspaceId);

		String crewId = createCrew(owner, workspaceId);
		JsonNode frame = client.next("crew.created", WAIT);
		assertThat(frame).as("crew.created on the socket").isNotNull();
		assertThat(frame.get("channel").asString()).isEqualTo("workspace:" + workspaceId);
		assertThat(frame.get("payload").get("id").asString()).isEqualTo(crewId);

		// the first-message form, without a token in the URL
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		WsClient strangerClient = WsClient.connect(gateway.replace("http://", "ws://") + "/ws");
		strangerClient.send("{\"type\":\"auth\",\"token\":\"" + wsToken(gateway, stranger) + "\"}");
		assertThat(strangerClient.roundTrip("{\"type\":\"subscribe\",\"channel\":\"workspace:" + workspaceId + "\"}"))
			.singleElement()
			.satisfies(error -> {
				assertThat(error.get("type").asString()).isEqualTo("error");
				assertThat(error.get("channel").asString()).isEqualTo("workspace:" + workspaceId);
				assertThat(error.get("payload").get("error").asString()).isEqualTo("access denied");
			});
		client.close();
		strangerClient.close();
	}

	/**
	 * A replica started after the crew was created has seen no event of it: its
	 * {@code crew:} channel is resolved by asking crew-service, then checked against
	 * membership like any other.
	 */
	@Test
	void aCrewChannelNoEventReachedIsResolvedThroughCrewService() throws Exception {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = workspaceOf(owner);
		String crewId = createCrew(owner, workspaceId);
		String freshGateway = RunningSuite.get().startExtraRealtime(70);

		WsClient client = connect(freshGateway, owner);
		// the replica has just started (C1-only JVM, first call to crew-service): its
		// first
		// answer may take longer than a warm one; a lookup failure still answers in
		// seconds
		long asked = System.nanoTime();
		assertThat(client.roundTrip(Duration.ofSeconds(45),
				"{\"type\":\"subscribe\",\"channel\":\"crew:" + crewId + "\"}"))
			.as("subscribe crew:" + crewId)
			.isEmpty();
		System.out.printf("first subscribe on the fresh replica answered in %d ms%n",
				Duration.ofNanos(System.nanoTime() - asked).toMillis());
		IdentitySystemTests.SignedIn stranger = IdentitySystemTests.signUpAndIn();
		WsClient strangerClient = connect(freshGateway, stranger);
		assertThat(strangerClient.roundTrip("{\"type\":\"subscribe\",\"channel\":\"crew:" + crewId + "\"}"))
			.singleElement()
			.satisfies(error -> {
				assertThat(error.get("type").asString()).isEqualTo("error");
				assertThat(error.get("channel").asString()).isEqualTo("crew:" + crewId);
				assertThat(error.get("payload").get("error").asString()).isEqualTo("access denied");
			});

		// the replica reads from the latest offset once its partitions are assigned:
		// update the crew until an update arrives on its channel
		long deadline = System.nanoTime() + WAIT.toNanos();
		JsonNode frame = null;
		for (int i = 0; frame == null && System.nanoTime() < deadline; i++) {
			Response updated = Client.send("PATCH",
					gateway + "/api/v1/crews/" + crewId + "?workspace_id=" + workspaceId,
					"{\"description\":\"update " + i + "\"}", "Cookie", owner.cookieHeader(), "Origin", gateway);
			assertThat(updated.status()).as(updated.body()).isEqualTo(200);
			frame = client.next("crew.updated", Duration.ofSeconds(3));
		}
		assertThat(frame).as("crew.updated on the crew channel").isNotNull();
		assertThat(frame.get("channel").asString()).isEqualTo("crew:" + crewId);
		assertThat(frame.get("payload").get("id").asString()).isEqualTo(crewId);
		assertThat(strangerClient.roundTrip()).as("the stranger's socket").isEmpty();
		client.close();
		strangerClient.close();
	}

	@Test
	void twoRealtimeReplicasEachDeliverToTheirOwnClients() throws Exception {
		String secondGateway = RunningSuite.get().startExtraRealtime(60);
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		String workspaceId = workspaceOf(owner);
		WsClient first = connect(gateway, owner);
		WsClient second = connect(secondGateway, owner);
		subscribe(first, "workspace:" + workspaceId);
		subscribe(second, "workspace:" + workspaceId);

		// the new replica reads from the latest offset once its partitions are assigned:
		// create crews until it has delivered one, then both must have delivered that one
		long deadline = System.nanoTime() + WAIT.toNanos();
		String delivered = null;
		while (delivered == null && System.nanoTime() < deadline) {
			String crewId = createCrew(owner, workspaceId);
			JsonNode frame = second.next("crew.created", Duration.ofSeconds(3));
			while (frame != null && !crewId.equals(frame.get("payload").get("id").asString())) {
				frame = second.next("crew.created", Duration.ofSeconds(3));
			}
			delivered = (frame != null) ? crewId : null;
		}
		assertThat(delivered).as("the second replica delivered").isNotNull();
		JsonNode frame = first.next("crew.created", WAIT);
		while (frame != null && !delivered.equals(frame.get("payload").get("id").asString())) {
			frame = first.next("crew.created", WAIT);
		}
		assertThat(frame).as("the first replica delivered the same crew").isNotNull();
		first.close();
		second.close();
	}

}
