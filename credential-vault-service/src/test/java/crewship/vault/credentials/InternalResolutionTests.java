package crewship.vault.credentials;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

class InternalResolutionTests extends VaultTestSupport {

	@Test
	void onlyInternalCallersGetTheValueAndEachDeliveryIsAUse() {
		String value = "sk-run-" + Cuid.next();
		String id = createCredential("run-key", value);
		String path = "/api/v1/internal/credentials/" + id + "/value?workspace_id=" + this.workspaceId
				+ "&agent_id=agent-1&run_id=run-1";
		Response resolved = internal().get(path);
		assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
		assertThat(resolved.json().get("value").asString()).isEqualTo(value);
		assertThat(resolved.header("Cache-Control")).contains("no-store");
		assertThat(as(this.owner).get(path).status()).as("a user is told the path does not exist").isEqualTo(404);
		assertThat(asCli(this.owner).get(path).status()).isEqualTo(404);
		assertThat(internal().get("/api/v1/internal/credentials/" + id + "/value?workspace_id=" + Cuid.next()).status())
			.as("the workspace must match")
			.isEqualTo(404);

		Response timeline = as(this.owner).get("/api/v1/credentials/" + id + "/audit");
		assertThat(timeline.json().get(0).get("event_type").asString()).isEqualTo("USE");
		assertThat(timeline.json().get(0).get("agent_id").asString()).isEqualTo("agent-1");
		assertThat(as(this.owner).get("/api/v1/credentials/" + id).json().get("last_used_at").isNull()).isFalse();

		as(this.owner).delete("/api/v1/credentials/" + id);
		assertThat(internal().get(path).status()).as("deleted: delivered nowhere").isEqualTo(404);
	}

	/**
	 * The runs of a crew share its key: deliveries of one credential at once must all
	 * succeed (each stamping the versioned row failed all but one with 409).
	 */
	@Test
	void concurrentRunsOfOneKeyAreAllDelivered() throws Exception {
		String value = "sk-shared-" + Cuid.next();
		String id = createCredential("shared-key", value);
		List<Callable<Response>> deliveries = IntStream.range(0, 24)
			.<Callable<Response>>mapToObj(i -> () -> internal().get("/api/v1/internal/credentials/" + id
					+ "/value?workspace_id=" + this.workspaceId + "&agent_id=agent-" + (i % 4) + "&run_id=run-" + i))
			.toList();
		try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
			for (Future<Response> delivery : pool.invokeAll(deliveries)) {
				Response resolved = delivery.get();
				assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
				assertThat(resolved.json().get("value").asString()).isEqualTo(value);
			}
		}
		assertThat(as(this.owner).get("/api/v1/credentials/" + id + "/audit?limit=100")
			.json()
			.valueStream()
			.filter(entry -> entry.get("event_type").asString().equals("USE"))
			.count()).as("every delivery audited").isEqualTo(24);
		assertThat(as(this.owner).get("/api/v1/credentials/" + id).json().get("last_used_at").isNull()).isFalse();
	}

}
