package crewship.gateway.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client a request comes from, as a rate-limit key. It is the socket peer, unless
 * that peer is one of the configured trusted proxies ({@code CREWSHIP_TRUSTED_PROXIES}):
 * then it is the right-most {@code X-Forwarded-For} hop that is not itself a trusted
 * proxy (the hops left of it are whatever the client wrote). A client that connects
 * directly cannot choose its key; with no trusted proxies (the default) the header is
 * never read. IPv6 clients are keyed by their /64, which one subscriber usually holds
 * whole.
 */
public class ClientAddress {

	static final String FORWARDED_FOR = "X-Forwarded-For";

	private final List<IpSubnetFilterRule> trustedProxies;

	public ClientAddress(List<String> trustedProxies) {
		List<IpSubnetFilterRule> rules = new ArrayList<>();
		for (String entry : (trustedProxies != null) ? trustedProxies : List.<String>of()) {
			String cidr = entry.trim();
			if (cidr.isEmpty()) {
				continue;
			}
			if (cidr.endsWith("/0")) {
				throw new IllegalArgumentException(
						"A trusted proxy range of /0 would let any client choose its address: " + cidr);
			}
			if (!cidr.contains("/")) {
				cidr += (cidr.contains(":") ? "/128" : "/32");
			}
			rules.add(new IpSubnetFilterRule(cidr, IpFilterRuleType.ACCEPT));
		}
		this.trustedProxies = List.copyOf(rules);
	}

	/**
	 * @return the client's key: an IPv4 address, an IPv6 /64 prefix, or "unknown"
	 */
	public String of(ServerHttpRequest request) {
		InetSocketAddress peer = request.getRemoteAddress();
		if (peer == null || peer.getAddress() == null) {
			return "unknown";
		}
		InetAddress client = peer.getAddress();
		if (isTrusted(client)) {
			client = forwardedClient(request, client);
		}
		return key(client);
	}

	private InetAddress forwardedClient(ServerHttpRequest request, InetAddress proxy) {
		List<String> hops = new ArrayList<>();
		for (String header : request.getHeaders().getOrEmpty(FORWARDED_FOR)) {
			for (String hop : header.split(",")) {
				hops.add(hop.trim());
			}
		}
		InetAddress leftmost = proxy;
		for (int i = hops.size() - 1; i >= 0; i--) {
			InetAddress hop = NetUtil.isValidIpV4Address(hops.get(i)) || NetUtil.isValidIpV6Address(hops.get(i))
					? toAddress(hops.get(i)) : null;
			if (hop == null) {
				// A hop the proxy did not write as an address: key by the proxy, never by
				// text a client may have chosen.
				return proxy;
			}
			if (!isTrusted(hop)) {
				return hop;
			}
			leftmost = hop;
		}
		return leftmost;
	}

	private boolean isTrusted(InetAddress address) {
		InetSocketAddress socket = new InetSocketAddress(address, 0);
		return this.trustedProxies.stream().anyMatch(rule -> rule.matches(socket));
	}

	private static InetAddress toAddress(String literal) {
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
		try {
			return (bytes != null) ? InetAddress.getByAddress(bytes) : null;
		}
		catch (java.net.UnknownHostException ex) {
			return null;
		}
	}

	private static String key(InetAddress address) {
		if (address instanceof Inet6Address) {
			byte[] bytes = address.getAddress();
			return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
		}
		return address.getHostAddress();
	}

}
