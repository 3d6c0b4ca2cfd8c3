package crewship.crew.mcpregistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.crew.integrations.IntegrationTestSupport;
import crewship.crew.integrations.ThirdPartyStandIns;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MCP registry: a sync from a WireMock registry in the official format (two pages),
 * list and search with their filters, the hourly cooldown, and what two replicas doing it
 * at once would do: one claim wins, concurrent applies leave one consistent copy.
 */
class McpRegistryTests extends IntegrationTestSupport {

	WireMockServer registry = ThirdPartyStandIns.wireMock();

	@Autowired
	McpRegistry mcpRegistry;

	@BeforeEach
	void clean() {
		this.registry.resetAll();
		this.jdbc.update("delete from mcp_registry_entry");
		this.jdbc.update("update mcp_registry_sync set started_at = null, status = 'never' where id = 1");
	}

	static String server(String name, String title, String extra) {
		return """
				{"server":{"name":"%s","title":"%s","description":"%s server","version":"1.0.0",
				 "repository":{"url":"https://github.com/example/%s","source":"github"}%s},
				 "_meta":{"io.modelcontextprotocol.registry/official":{"status":"active","isLatest":true}}}"""
			.formatted(name, title, title, title.toLowerCase(), extra);
	}

	void stubRegistry() {
		String first = "{\"servers\":["
				+ server("io.github.acme/tracker", "Tracker",
						",\"remotes\":[{\"type\":\"streamable-http\",\"url\":\"https://tracker.example/mcp\"}]")
				+ ","
				+ server("io.modelcontextprotocol/filesystem", "Filesystem",
						",\"packages\":[{\"registryType\":\"npm\",\"identifier\":\"@modelcontextprotocol/server-filesystem\","
								+ "\"transport\":{\"type\":\"stdio\"},\"environmentVariables\":[{\"name\":\"ROOT\",\"isRequired\":true}]}]")
				+ "],\"metadata\":{\"nextCursor\":\"page-2\",\"count\":2}}";
		String second = "{\"servers\":[" + server("io.github.acme/search", "Search",
				",\"packages\":[{\"registryType\":\"pypi\",\"identifier\":\"acme-search\",\"transport\":{\"type\":\"stdio\"},"
						+ "\"environmentVariables\":[{\"name\":\"SEARCH_API_KEY\",\"isSecret\":true}]}]")
				+ "],\"metadata\":{\"count\":1}}";
		this.registry.stubFor(get(urlPathEqualTo("/registry/v0/servers")).withQueryParam("cursor", equalTo("page-2"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(second)));
		this.registry.stubFor(get(urlPathEqualTo("/registry/v0/servers")).atPriority(10)
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(first)));
	}

	@Test
	void aSyncFillsTheRegistryAndListAndSearchFilterIt() {
		stubRegistry();
		assertThat(ok(this.owner.get("/api/v1/mcp-registry")).json().get("total").asInt()).isZero();
		Response started = this.owner.postJson(ws("/api/v1/mcp-registry/sync"), null);
		assertThat(started.status()).as(started.body()).isEqualTo(202);
		assertThat(started.json().get("status").asString()).isEqualTo("sync_started");
		awaitSynced();

		JsonNode all = ok(this.owner.get("/api/v1/mcp-registry")).json();
		assertThat(all.get("total").asInt()).isEqualTo(3);
		assertThat(all.get("limit").asInt()).isEqualTo(50);
		Map<String, JsonNode> byName = new LinkedHashMap<>();
		all.get("servers").forEach(entry -> byName.put(entry.get("name").asString(), entry));
		assertThat(byName.get("io.github.acme/tracker").get("transport").asString()).isEqualTo("streamable-http");
		assertThat(byName.get("io.github.acme/tracker").get("endpoint").asString())
			.isEqualTo("https://tracker.example/mcp");
		assertThat(byName.get("io.modelcontextprotocol/filesystem").get("command").asString()).isEqualTo("npx");
		assertThat(byName.get("io.modelcontextprotocol/filesystem").get("trust_tier").asString())
			.isEqualTo("anthropic");
		assertThat(byName.get("io.github.acme/search").get("auth_type").asString()).isEqualTo("api_key");
		assertThat(byName.get("io.github.acme/search").get("package_registry").asString()).isEqualTo("pypi");

		JsonNode found = ok(this.owner.get("/api/v1/mcp-registry/search?q=TRACK")).json();
		assertThat(found.get("query").asString()).isEqualTo("TRACK");
		assertThat(found.get("servers")).extracting(entry -> entry.get("name").asString())
			.containsExactly("io.github.acme/tracker");
		assertThat(ok(this.owner.get("/api/v1/mcp-registry?trust_tier=community&limit=1")).json().get("total").asInt())
			.isEqualTo(2);
		assertThat(ok(this.owner.get("/api/v1/mcp-registry?featured=1")).json().get("total").asInt()).isZero();
		assertThat(ok(this.owner.get("/api/v1/mcp-registry/search?q=")).json().get("total").asInt()).isEqualTo(3);
		assertProblem(this.owner.get("/api/v1/mcp-registry?trust_tier=gold"), 400, "trust_tier");
		assertProblem(this.owner.get("/api/v1/mcp-registry?featured=maybe"), 400, "featured");
		assertProblem(this.owner.get("/api/v1/mcp-registry?limit=500"), 400, "limit");
		assertThat(anonymous().get("/api/v1/mcp-registry").status()).isEqualTo(401);

		Response again = this.owner.postJson(ws("/api/v1/mcp-registry/sync"), null);
		assertProblem(again, 429, "last 60 minutes");
		assertThat(Long.parseLong(again.header("Retry-After"))).isGreaterThan(3000);
		assertProblem(newMember(WorkspaceRole.MANAGER).postJson(ws("/api/v1/mcp-registry/sync"), null), 403, "");
	}

	@Test
	void twoReplicasSyncingAtOnceLeaveOneConsistentCopy() throws Exception {
		stubRegistry();
		List<Boolean> claims = race(() -> this.mcpRegistry.claim());
		assertThat(claims).containsExactlyInAnyOrder(true, false);

		List<Map<String, Object>> entries = this.mcpRegistry.fetch();
		assertThat(entries).hasSize(3);
		List<Integer> applied = race(() -> this.mcpRegistry.apply(entries));
		assertThat(applied).containsExactly(3, 3);
		assertThat(this.jdbc.queryForObject("select count(*) from mcp_registry_entry", Long.class)).isEqualTo(3);

		// an entry the registry stopped listing goes with the next apply
		this.mcpRegistry.apply(entries.subList(0, 2));
		assertThat(this.jdbc.queryForObject("select count(*) from mcp_registry_entry", Long.class)).isEqualTo(2);
	}

	@Test
	void aFailedSyncKeepsTheCopyAndMayBeRetriedSooner() {
		stubRegistry();
		this.mcpRegistry.run(null);
		this.registry.resetAll();
		this.registry.stubFor(get(urlPathEqualTo("/registry/v0/servers")).willReturn(aResponse().withStatus(500)));
		this.mcpRegistry.run(null);
		assertThat(this.jdbc.queryForObject("select status from mcp_registry_sync where id = 1", String.class))
			.isEqualTo("error");
		assertThat(this.jdbc.queryForObject("select count(*) from mcp_registry_entry", Long.class)).isEqualTo(3);
	}

	private <T> List<T> race(Callable<T> task) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<T>> futures = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			List<T> results = new ArrayList<>();
			for (Future<T> future : futures) {
				results.add(future.get());
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private void awaitSynced() {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!"ok"
			.equals(this.jdbc.queryForObject("select status from mcp_registry_sync where id = 1", String.class))) {
			assertThat(System.nanoTime()).as("sync finished").isLessThan(deadline);
			sleep(50);
		}
	}

}
