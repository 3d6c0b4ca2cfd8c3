package crewship.vault.probes;

import java.net.URI;
import java.util.Optional;

import org.springframework.stereotype.Component;

import crewship.platform.net.PrivateAddresses;

/**
 * Decides whether the vault may dial a caller-supplied URL (a stored ENDPOINT_URL, a
 * Keeper judge endpoint): http(s) only, and no loopback, link-local, private or unique
 * local address unless {@code crewship.vault.probes.allow-private-endpoints} says so — a
 * URL typed into the vault must not become a way into the suite's own network.
 */
@Component
public class EndpointFence {

	private final ProbeProperties properties;

	public EndpointFence(ProbeProperties properties) {
		this.properties = properties;
	}

	/**
	 * @return why the URL is refused, or empty when it may be dialled
	 */
	public Optional<String> refusal(URI uri) {
		if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
			return Optional.of("Only http(s) URLs are dialled");
		}
		if (!this.properties.allowPrivateEndpoints() && PrivateAddresses.isPrivate(uri.getHost())) {
			return Optional.of("Private, loopback and link-local addresses are not dialled");
		}
		return Optional.empty();
	}

}
