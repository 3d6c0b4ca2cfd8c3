package crewship.crew.skills;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import crewship.platform.net.PrivateAddresses;

/**
 * Decides whether crew-service may dial a URL a caller gave it for a skill (a SKILL.md
 * URL, a git repository, and every redirect on the way): no credentials in the URL, and
 * no loopback, private, link-local (cloud metadata), unique-local, carrier-grade NAT,
 * multicast or unspecified address unless the instance allows private endpoints or names
 * the host in {@code crewship.skills.allowed-hosts} — the vault's rule for its probes.
 * Every address the name resolves to must pass; the client resolves again, so a name
 * whose answer changes in between (DNS rebinding) is not fully covered.
 */
@Component
@EnableConfigurationProperties(SkillProperties.class)
class SourceFence {

	private final SkillProperties properties;

	private final Set<String> allowedHosts;

	SourceFence(SkillProperties properties) {
		this.properties = properties;
		this.allowedHosts = Set
			.copyOf(properties.allowedHosts().stream().map(host -> host.trim().toLowerCase(Locale.ROOT)).toList());
	}

	/**
	 * @param schemes the schemes this kind of source may use
	 * @return why the URL is refused, or empty when it may be dialled
	 */
	Optional<String> refusal(URI uri, Set<String> schemes) {
		if (uri == null || uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
			return Optional.of("only " + String.join("/", schemes) + " URLs are accepted");
		}
		if (uri.getRawUserInfo() != null) {
			return Optional.of("credentials embedded in the URL are refused");
		}
		if (uri.getHost() == null || uri.getHost().isBlank()) {
			return Optional.of("the URL has no host");
		}
		if (isAllowedHost(uri.getHost())) {
			return Optional.empty();
		}
		if (!this.properties.allowPrivateEndpoints() && PrivateAddresses.isPrivate(uri.getHost())) {
			return Optional.of("private, loopback and link-local addresses are not dialled by this server");
		}
		return Optional.empty();
	}

	/** Named by the operator: dialled even on a private address, and over plain http. */
	boolean isAllowedHost(String host) {
		return host != null && this.allowedHosts.contains(host.toLowerCase(Locale.ROOT));
	}

}
