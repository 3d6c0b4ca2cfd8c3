package crewship.mission.mcp;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether a run may dial an MCP endpoint it was given: http(s) only, no credentials in
 * the URL, and no loopback, private, link-local (cloud metadata), unique-local, multicast
 * or unspecified address unless {@link McpProperties#allowPrivateEndpoints()} says so —
 * the rule of crew-service's and the vault's fences (each service keeps its own copy).
 * Every address the name resolves to must pass; the client resolves again, so a name
 * whose answer changes in between (DNS rebinding) is not fully covered, as there.
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
		if (!this.allowPrivate && isPrivate(uri.getHost())) {
			return Optional.of("private, loopback and link-local addresses are not dialled by this instance");
		}
		return Optional.empty();
	}

	static boolean isPrivate(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		try {
			for (InetAddress address : InetAddress.getAllByName(bare)) {
				byte[] raw = address.getAddress();
				if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
						|| address.isAnyLocalAddress() || address.isMulticastAddress()
						|| (raw.length == 16 && (raw[0] & 0xfe) == 0xfc)
						// 100.64.0.0/10 carrier-grade NAT
						|| (raw.length == 4 && (raw[0] & 0xff) == 100 && (raw[1] & 0xc0) == 64)) {
					return true;
				}
			}
			return false;
		}
		catch (UnknownHostException ex) {
			return true;
		}
	}

}
