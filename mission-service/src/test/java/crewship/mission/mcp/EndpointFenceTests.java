package crewship.mission.mcp;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fence in front of every MCP endpoint a run dials: the suite's own network only
 * where the instance allows it.
 */
class EndpointFenceTests {

	@Test
	void privateLoopbackAndMetadataAddressesAreRefusedUnlessAllowed() {
		EndpointFence fence = new EndpointFence(false);
		assertThat(fence.refusal(URI.create("http://127.0.0.1:8080/mcp"))).isPresent();
		assertThat(fence.refusal(URI.create("http://10.0.0.7/mcp"))).isPresent();
		assertThat(fence.refusal(URI.create("http://169.254.169.254/latest/meta-data"))).isPresent();
		assertThat(fence.refusal(URI.create("http://[::1]/mcp"))).isPresent();
		assertThat(fence.refusal(URI.create("https://93.184.216.34/mcp"))).isEmpty();

		EndpointFence open = new EndpointFence(true);
		assertThat(open.refusal(URI.create("http://127.0.0.1:8080/mcp"))).isEmpty();
		assertThat(open.refusal(URI.create("file:///etc/passwd"))).as("http(s) only, always").isPresent();
		assertThat(open.refusal(URI.create("https://user:pw@93.184.216.34/mcp"))).as("no credentials in a URL")
			.isPresent();
	}

}
