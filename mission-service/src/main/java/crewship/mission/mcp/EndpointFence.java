package crewship.mission.mcp;

import java.net.URI;
import java.util.Optional;

import crewship.platform.net.PrivateAddresses;

/**
 * Whether a run may dial an MCP endpoint it was given: http(s) only, no credentials in
 * the URL, and no loopback, private, link-local (cloud metadata), unique-local, multicast
 * or unspecified address unless {@link McpProperties#allowPrivateEndpoints()} says so —
 * the rule of crew-service's and the vault's fences, on platform's
 * {@link PrivateAddresses}. Every address the name resolves to must pass; the client
 * resolves again, so a name whose answer changes in between (DNS rebinding) is not fully
 * covered, as there.
 */
final class EndpointFence {

	private final boolean allowPrivate;

	EndpointFence(boolean allowPrivate) {
		this.allowPrivate = allowPrivate;
	}

	/**
	 * @return why the URL is refused, or empty when it may be dialled
	 */
	Optional<String> refusal(URI uri) {
		if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
				|| uri.getHost() == null) {
			return Optional.of("only http(s) URLs with a host are dialled");
		}
		if (uri.getRawUserInfo() != null) {
			return Optional.of("credentials in a URL are refused");
		}
		if (!this.allowPrivate && PrivateAddresses.isPrivate(uri.getHost())) {
			return Optional.of("private, loopback and link-local addresses are not dialled by this instance");
		}
		return Optional.empty();
	}

}
