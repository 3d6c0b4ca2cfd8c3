package crewship.crew.skills;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import crewship.platform.ids.Slug;
import tools.jackson.databind.json.JsonMapper;

/**
 * A parsed SKILL.md: YAML front matter between {@code ---} lines, then the body. The
 * front matter is read with SnakeYAML's safe constructor under tight limits (no custom
 * types, few aliases, a small document), since it comes from anyone's repository.
 */
record SkillFile(String name, String displayName, String description, String content, String sha256, String category,
		String version, String author, String icon, String tagsJson, String vendor, String homepage, String license,
		String runtime, String maturity, Integer toolCount, String credentialRequirements, String mcpServerCommand,
		String mcpServerImage, String mcpTransport, String dependencies, String allowedDomains, String changelog,
		String descriptionQuality) {

	static final int MAX_CONTENT_BYTES = 256 * 1024;

	static final Set<String> CATEGORIES = Set.of("CODING", "AUTOMATION", "DATA", "DEVOPS", "SUPPORT", "SALES",
			"WRITING", "RESEARCH", "PM", "DESIGN", "SECURITY", "FINANCE", "OPS", "CUSTOM");

	static final Set<String> RUNTIMES = Set.of("INSTRUCTIONS", "SCRIPT", "MCP", "HYBRID");

	static final Set<String> MATURITIES = Set.of("OFFICIAL", "CURATED", "COMMUNITY", "EXPERIMENTAL");

	private static final Pattern FRONT_MATTER = Pattern
		.compile("\\A\\uFEFF?---\\r?\\n(.*?)\\r?\\n---[ \\t]*(\\r?\\n.*)?\\z", Pattern.DOTALL);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** SKILL.md content that cannot be imported; the message says why. */
	static class Invalid extends RuntimeException {

		Invalid(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * @throws Invalid when the content has no front matter, no valid {@code name}, or is
	 * too large
	 */
	static SkillFile parse(String content) {
		if (content == null || content.isBlank()) {
			throw new Invalid("SKILL.md is empty");
		}
		if (content.getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
			throw new Invalid("SKILL.md exceeds " + (MAX_CONTENT_BYTES / 1024) + " KB");
		}
		Matcher matcher = FRONT_MATTER.matcher(content);
		if (!matcher.matches()) {
			throw new Invalid("SKILL.md must start with a --- front matter block");
		}
		Map<?, ?> meta = frontMatter(matcher.group(1));
		String name = text(meta, "name");
		if (name == null) {
			throw new Invalid("SKILL.md front matter has no name");
		}
		name = name.trim();
		if (!name.matches(Slug.PATTERN) || name.length() < 2 || name.length() > 50) {
			throw new Invalid("SKILL.md front matter name '" + abbreviate(name)
					+ "' is not a valid slug (2-50 lowercase letters, digits, '-' or '_')");
		}
		String description = text(meta, "description");
		String displayName = first(text(meta, "display_name"), text(meta, "title"), humanize(name));
		Object mcp = meta.get("mcp");
		Map<?, ?> mcpMap = (mcp instanceof Map<?, ?> map) ? map : Map.of();
		Object tools = meta.get("tools");
		return new SkillFile(name, limit(displayName, 200), description, content, sha256(content),
				upper(text(meta, "category"), CATEGORIES, "CUSTOM"), limit(first(text(meta, "version"), "1.0.0"), 64),
				limit(text(meta, "author"), 200), limit(text(meta, "icon"), 64), tags(meta.get("tags")),
				limit(text(meta, "vendor"), 200), limit(text(meta, "homepage"), 2048),
				limit(first(text(meta, "spdx_license"), text(meta, "license")), 100),
				upper(text(meta, "runtime"), RUNTIMES, "INSTRUCTIONS"),
				upper(text(meta, "maturity"), MATURITIES, "COMMUNITY"),
				(tools instanceof Collection<?> list) ? list.size() : null,
				json(first(meta.get("credential_requirements"), meta.get("credentials"))),
				first(text(mcpMap, "command"), text(meta, "mcp_server_command")),
				limit(first(text(mcpMap, "image"), text(meta, "mcp_server_image")), 512),
				limit(first(text(mcpMap, "transport"), text(meta, "mcp_transport")), 32),
				json(meta.get("dependencies")), json(meta.get("allowed_domains")), text(meta, "changelog"),
				descriptionQuality(description));
	}

	private static Map<?, ?> frontMatter(String yaml) {
		LoaderOptions options = new LoaderOptions();
		options.setAllowDuplicateKeys(false);
		options.setMaxAliasesForCollections(10);
		options.setCodePointLimit(64 * 1024);
		options.setNestingDepthLimit(20);
		try {
			Object loaded = new Yaml(new SafeConstructor(options)).load(yaml);
			if (loaded instanceof Map<?, ?> map) {
				return map;
			}
			throw new Invalid("SKILL.md front matter must be a YAML mapping");
		}
		catch (YAMLException ex) {
			throw new Invalid("SKILL.md front matter is not valid YAML: " + abbreviate(ex.getMessage()));
		}
	}

	/**
	 * The page's {@code description_quality}: how well the description tells an agent
	 * when to use the skill.
	 */
	static String descriptionQuality(String description) {
		if (description == null || description.isBlank()) {
			return "missing";
		}
		int length = description.trim().length();
		if (length < 20) {
			return "too short";
		}
		if (length > 1024) {
			return "too long";
		}
		return "good";
	}

	static String sha256(String content) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String text(Map<?, ?> meta, String key) {
		Object value = meta.get(key);
		if (value == null || value instanceof Map || value instanceof Collection) {
			return null;
		}
		String text = String.valueOf(value).trim();
		return text.isEmpty() ? null : text;
	}

	private static String tags(Object value) {
		if (value instanceof Collection<?> list) {
			return JSON.writeValueAsString(list.stream().map(String::valueOf).toList());
		}
		if (value instanceof String text && !text.isBlank()) {
			return JSON.writeValueAsString(List.of(text.split("\\s*,\\s*")));
		}
		return null;
	}

	private static String json(Object value) {
		return (value == null) ? null : (value instanceof String text) ? text : JSON.writeValueAsString(value);
	}

	private static String upper(String value, Set<String> allowed, String fallback) {
		if (value == null) {
			return fallback;
		}
		String upper = value.trim().toUpperCase(Locale.ROOT);
		return allowed.contains(upper) ? upper : fallback;
	}

	@SafeVarargs
	private static <T> T first(T... values) {
		for (T value : values) {
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	private static String limit(String value, int max) {
		return (value == null || value.length() <= max) ? value : value.substring(0, max);
	}

	static String humanize(String slug) {
		StringBuilder name = new StringBuilder();
		for (String word : slug.split("[-_]+")) {
			if (!word.isEmpty()) {
				name.append(name.isEmpty() ? "" : " ")
					.append(Character.toUpperCase(word.charAt(0)))
					.append(word.substring(1));
			}
		}
		return name.isEmpty() ? slug : name.toString();
	}

	private static String abbreviate(String text) {
		return (text == null || text.length() <= 120) ? text : text.substring(0, 120) + "…";
	}

}
