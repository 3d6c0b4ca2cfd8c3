package crewship.platform.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The one rule for "is this host inside someone's network": every service that dials a
 * URL a user typed (MCP endpoints, connector probes, skill sources, stored endpoint
 * credentials) refuses such a host unless its instance allows private endpoints, so a URL
 * cannot become a way into the suite's own network or a cloud's metadata service.
 */
public final class PrivateAddresses {

	private PrivateAddresses() {
	}

	/**
	 * Whether any address {@code host} resolves to is loopback, private (RFC 1918),
	 * link-local (cloud metadata), unique-local, carrier-grade NAT (100.64.0.0/10, as
	 * internal as RFC 1918 in clouds), multicast or unspecified. A name that does not
	 * resolve counts as private: there is nothing to dial, and refusing beats guessing.
	 * The caller's client resolves again, so a name whose answer changes in between (DNS
	 * rebinding) is not fully covered.
	 * @param host a host name or address, an IPv6 literal with or without brackets
	 */
	public static boolean isPrivate(String host) {
		String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		try {
			for (InetAddress address : InetAddress.getAllByName(bare)) {
				byte[] raw = address.getAddress();
				if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
						|| address.isAnyLocalAddress() || address.isMulticastAddress()
						|| (raw.length == 16 && (raw[0] & 0xfe) == 0xfc)
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
