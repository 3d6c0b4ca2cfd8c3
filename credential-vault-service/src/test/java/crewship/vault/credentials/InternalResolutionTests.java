package crewship.vault.credentials;

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

}
