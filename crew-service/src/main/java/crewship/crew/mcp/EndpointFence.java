package crewship.crew.mcp;

import java.net.URI;
import java.util.Optional;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import crewship.platform.net.PrivateAddresses;

/**
 * Decides whether crew-service may dial a URL it was given (an MCP endpoint, a
 * connector's probe, an OAuth discovery document): http(s) only, no credentials in the
 * URL, and no loopback, private, link-local (cloud metadata), unique-local, multicast or
 * unspecified address unless {@link McpProperties#allowPrivateEndpoints()} says so — the
 * same rule as the vault's fence. Every address the name resolves to must pass; the
 * client then resolves again, so a name whose answer changes between the two (DNS
 * rebinding) is not fully covered, as in the vault.
 */
@Component
@EnableConfigurationProperties(McpProperties.class)
public class EndpointFence {

	private volatile boolean allowPrivate;

	public EndpointFence(McpProperties properties) {
		this.allowPrivate = properties.allowPrivateEndpoints();
	}

	/**
	 * @return why the URL is refused, or empty when it may be dialled
	 */
	public Optional<String> refusal(URI uri) {
		if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
				|| uri.getHost() == null) {
			return Optional.of("Only http(s) URLs with a host are dialled");
		}
		if (uri.getRawUserInfo() != null) {
			return Optional.of("Credentials in a URL are refused; use a credential");
		}
		if (!this.allowPrivate && PrivateAddresses.isPrivate(uri.getHost())) {
			return Optional.of("Private, loopback and link-local addresses are not dialled by this instance");
		}
		return Optional.empty();
	}

	/** Whether this instance dials private addresses at all. */
	public boolean allowsPrivate() {
		return this.allowPrivate;
	}

	/** Tests switch the instance's setting for one case; never called in production. */
	void allowPrivate(boolean allow) {
		this.allowPrivate = allow;
	}

}
