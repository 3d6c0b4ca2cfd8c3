package crewship.crew.mcp;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.crew.integrations.IntegrationTestSupport;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fence in the running service: with the instance's default (private addresses not
 * allowed), testing a loopback MCP endpoint is refused before anything is dialled.
 */
class McpFenceApiTests extends IntegrationTestSupport {

	@Autowired
	EndpointFence fence;

	@Test
	void aLoopbackEndpointIsRefusedWhenTheInstanceDoesNotAllowPrivateAddresses() {
		String id = workspaceServer(
				"{\"name\":\"internal\",\"endpoint\":\"http://127.0.0.1:8081/api/v1/internal/jwks\"}");
		this.fence.allowPrivate(false);
		try {
			JsonNode tested = ok(this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null)).json();
			assertThat(tested.get("status").asString()).isEqualTo("error");
			assertThat(tested.get("message").asString()).contains("Private, loopback and link-local");
		}
		finally {
			this.fence.allowPrivate(true);
		}
	}

}
