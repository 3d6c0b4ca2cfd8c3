package crewship.vault.credentials;

import java.util.Map;
import java.util.Set;

/**
 * What the page says about providers: which have a live probe, and the default
 * environment variable of a few. {@code provider} itself is free-form.
 */
final class Providers {

	static final Set<String> PROBED = Set.of("ANTHROPIC", "OPENAI", "GOOGLE", "CURSOR", "FACTORY", "GITHUB", "GITLAB",
			"VERCEL");

	private static final Map<String, String> ENV_VARS = Map.of("GITHUB", "GH_TOKEN", "GITLAB", "GITLAB_TOKEN", "VERCEL",
			"VERCEL_TOKEN", "AWS", "AWS_ACCESS_KEY_ID", "KUBERNETES", "KUBECONFIG");

	private Providers() {
	}

	static String defaultEnvVar(String provider) {
		return (provider != null) ? ENV_VARS.getOrDefault(provider, "") : "";
	}

	static boolean testable(String provider, String type) {
		return "ENDPOINT_URL".equals(type) || (provider != null && PROBED.contains(provider));
	}

}
