package crewship.crew.oauth;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import crewship.crew.mcp.OutboundHttp;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * Finds how an MCP server wants to be authorized, as the MCP authorization spec has
 * clients do: the server's protected-resource metadata (RFC 9728) names its authorization
 * server, whose metadata (RFC 8414, else OpenID Connect discovery) gives the endpoints,
 * scopes, PKCE methods and dynamic client registration; a server without any is matched
 * to a known provider by host. Every fetch is fenced and bounded.
 */
@Component
public class OAuthDiscovery {

	private final OutboundHttp http;

	OAuthDiscovery(OutboundHttp http) {
		this.http = http;
	}

	/** What discovery found. */
	public record Discovered(String authUrl, String tokenUrl, String registrationEndpoint, List<String> scopes,
			boolean supportsPkce, boolean supportsDcr, String source, String provider) {

		/** The page's answer; absent optional fields are left out, never null. */
		public Map<String, Object> view() {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("auth_url", this.authUrl);
			view.put("token_url", this.tokenUrl);
			if (this.registrationEndpoint != null) {
				view.put("registration_endpoint", this.registrationEndpoint);
			}
			if (!this.scopes.isEmpty()) {
				view.put("scopes", String.join(" ", this.scopes));
			}
			view.put("supports_pkce", this.supportsPkce);
			view.put("supports_dcr", this.supportsDcr);
			view.put("source", this.source);
			if (this.provider != null) {
				view.put("provider", this.provider);
			}
			return view;
		}

	}

	/**
	 * @throws ProblemException 400 for a URL that is not http(s) or is refused by the
	 * fence, 404 when nothing is found and no known provider owns the host
	 */
	public Discovered discover(String mcpUrl, String providerHint) {
		URI mcp = parse(mcpUrl);
		List<String> tried = new ArrayList<>();
		String origin = mcp.getScheme() + "://" + mcp.getRawAuthority();
		String path = (mcp.getRawPath() == null || mcp.getRawPath().equals("/")) ? "" : mcp.getRawPath();

		// RFC 9728: the resource's metadata names its authorization server(s)
		String issuer = null;
		List<String> resourceScopes = List.of();
		for (String candidate : distinct(origin + "/.well-known/oauth-protected-resource" + path,
				origin + "/.well-known/oauth-protected-resource")) {
			Optional<JsonNode> metadata = fetch(candidate, tried);
			if (metadata.isPresent() && metadata.get().path("authorization_servers").isArray()
					&& !metadata.get().path("authorization_servers").isEmpty()) {
				issuer = metadata.get().path("authorization_servers").get(0).asString();
				resourceScopes = strings(metadata.get().path("scopes_supported"));
				break;
			}
		}
		String source = (issuer != null) ? "oauth-protected-resource+" : "";
		URI as = (issuer != null) ? parse(issuer) : URI.create(origin + path);
		String asOrigin = as.getScheme() + "://" + as.getRawAuthority();
		String asPath = (as.getRawPath() == null || as.getRawPath().equals("/")) ? "" : as.getRawPath();
		List<String[]> candidates = List.of(
				new String[] { asOrigin + "/.well-known/oauth-authorization-server" + asPath, "rfc8414" },
				new String[] { asOrigin + "/.well-known/oauth-authorization-server", "rfc8414" },
				new String[] { asOrigin + asPath + "/.well-known/openid-configuration", "openid" },
				new String[] { asOrigin + "/.well-known/openid-configuration", "openid" });
		java.util.Set<String> seen = new java.util.HashSet<>();
		for (String[] candidate : candidates) {
			if (!seen.add(candidate[0])) {
				continue;
			}
			Optional<JsonNode> metadata = fetch(candidate[0], tried);
			if (metadata.isPresent() && metadata.get().hasNonNull("authorization_endpoint")
					&& metadata.get().hasNonNull("token_endpoint")) {
				JsonNode found = metadata.get();
				List<String> scopes = resourceScopes.isEmpty() ? strings(found.path("scopes_supported"))
						: resourceScopes;
				List<String> methods = strings(found.path("code_challenge_methods_supported"));
				String registration = found.hasNonNull("registration_endpoint")
						? found.get("registration_endpoint").asString() : null;
				return new Discovered(found.get("authorization_endpoint").asString(),
						found.get("token_endpoint").asString(), registration, scopes, methods.contains("S256"),
						registration != null, source + candidate[1], OAuthProviders.ofHost(mcp).orElse(null));
			}
		}
		Optional<String> known = Optional.ofNullable(providerHint)
			.filter(hint -> OAuthProviders.named(hint).isPresent())
			.map(hint -> hint.toLowerCase(java.util.Locale.ROOT).trim())
			.or(() -> OAuthProviders.ofHost(mcp));
		if (known.isPresent()) {
			OAuthProviders.Provider provider = OAuthProviders.named(known.get()).orElseThrow();
			return new Discovered(provider.authUrl(), provider.tokenUrl(), null,
					provider.defaultScopes().isBlank() ? List.of() : List.of(provider.defaultScopes().split(" ")), true,
					false, "known_provider", known.get());
		}
		throw ProblemException.notFound("OAuth discovery found no metadata (" + String.join(", ", tried)
				+ ") and the URL does not match a known provider");
	}

	private Optional<JsonNode> fetch(String url, List<String> tried) {
		try {
			OutboundHttp.Answer answer = this.http.get(URI.create(url), Map.of("Accept", "application/json"), true);
			tried.add(URI.create(url).getPath() + " " + answer.status());
			return answer.ok() ? answer.json().filter(JsonNode::isObject) : Optional.empty();
		}
		catch (OutboundHttp.Unreachable ex) {
			if (ex.getMessage().startsWith("Refused")) {
				throw ProblemException.badRequest("mcp_url " + ex.getMessage());
			}
			tried.add(URI.create(url).getPath() + " unreachable");
			return Optional.empty();
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	static URI parse(String url) {
		if (url == null || url.isBlank()) {
			throw ProblemException.badRequest("mcp_url is required");
		}
		try {
			URI uri = URI.create(url.trim());
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
					&& uri.getRawUserInfo() == null) {
				return uri;
			}
		}
		catch (IllegalArgumentException ex) {
			// below
		}
		throw ProblemException.badRequest("mcp_url must be an absolute http(s) URL");
	}

	private static List<String> strings(JsonNode array) {
		List<String> values = new ArrayList<>();
		if (array != null && array.isArray()) {
			array.forEach(value -> {
				if (value.isString()) {
					values.add(value.asString());
				}
			});
		}
		return values;
	}

	private static List<String> distinct(String... urls) {
		return List.copyOf(new java.util.LinkedHashSet<>(List.of(urls)));
	}

}
