package crewship.crew.oauth;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The OAuth providers Crewship knows by heart: their authorization and token endpoints
 * and default scopes, and the hosts that belong to them (a fallback when an MCP server
 * publishes no discovery metadata).
 */
public final class OAuthProviders {

	/** One provider. */
	public record Provider(String authUrl, String tokenUrl, String defaultScopes) {
	}

	static final Map<String, Provider> PROVIDERS;

	private static final Map<String, String> HOSTS = Map.ofEntries(Map.entry("github.com", "github"),
			Map.entry("githubcopilot.com", "github"), Map.entry("gitlab.com", "gitlab"),
			Map.entry("google.com", "google"), Map.entry("googleapis.com", "google"), Map.entry("slack.com", "slack"),
			Map.entry("linear.app", "linear"), Map.entry("notion.com", "notion"), Map.entry("sentry.io", "sentry"),
			Map.entry("sentry.dev", "sentry"), Map.entry("atlassian.com", "atlassian"),
			Map.entry("microsoft.com", "microsoft"), Map.entry("microsoftonline.com", "microsoft"));

	static {
		Map<String, Provider> providers = new LinkedHashMap<>();
		providers.put("github", new Provider("https://github.com/login/oauth/authorize",
				"https://github.com/login/oauth/access_token", "repo read:org"));
		providers.put("gitlab",
				new Provider("https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token", "api read_user"));
		providers.put("google", new Provider("https://accounts.google.com/o/oauth2/v2/auth",
				"https://oauth2.googleapis.com/token", "openid email profile"));
		providers.put("slack", new Provider("https://slack.com/oauth/v2/authorize",
				"https://slack.com/api/oauth.v2.access", "channels:read chat:write users:read"));
		providers.put("linear",
				new Provider("https://linear.app/oauth/authorize", "https://api.linear.app/oauth/token", "read write"));
		providers.put("notion",
				new Provider("https://api.notion.com/v1/oauth/authorize", "https://api.notion.com/v1/oauth/token", ""));
		providers.put("sentry", new Provider("https://sentry.io/oauth/authorize/", "https://sentry.io/oauth/token/",
				"org:read project:read event:read"));
		providers.put("atlassian", new Provider("https://auth.atlassian.com/authorize",
				"https://auth.atlassian.com/oauth/token", "read:jira-work offline_access"));
		providers.put("microsoft", new Provider("https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
				"https://login.microsoftonline.com/common/oauth2/v2.0/token", "offline_access User.Read"));
		PROVIDERS = Map.copyOf(providers);
	}

	private OAuthProviders() {
	}

	/** The catalog, ordered by name. */
	public static Map<String, Provider> all() {
		return new java.util.TreeMap<>(PROVIDERS);
	}

	public static Optional<Provider> named(String name) {
		return Optional.ofNullable((name != null) ? PROVIDERS.get(name.toLowerCase(Locale.ROOT).trim()) : null);
	}

	/** The provider owning the URL's host (or a parent domain of it). */
	public static Optional<String> ofHost(URI uri) {
		String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : "";
		return HOSTS.entrySet()
			.stream()
			.filter(entry -> host.equals(entry.getKey()) || host.endsWith("." + entry.getKey()))
			.map(Map.Entry::getValue)
			.findFirst();
	}

}
