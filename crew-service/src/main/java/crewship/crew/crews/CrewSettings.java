package crewship.crew.crews;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import crewship.crew.crews.CrewRequests.UpdateCrew;
import crewship.crew.workspace.ConfigBlobs;
import crewship.crew.workspace.Fields;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * The crew page's rules for container, network and config settings, applied to a crew in
 * one place for create and update. Hard floors are 400s; the usable floors only add
 * {@code warnings} (a small crew can be deliberate, so that is advice, not a veto).
 */
final class CrewSettings {

	static final int DEFAULT_MEMORY_MB = 4096;

	static final double DEFAULT_CPUS = 2.0;

	static final int MIN_MEMORY_MB = 6;

	static final int MAX_MEMORY_MB = 262144;

	static final int USABLE_MEMORY_MB = 2048;

	static final double MIN_CPUS = 0.01;

	static final double MAX_CPUS = 512;

	static final double USABLE_CPUS = 0.5;

	static final int DEVCONTAINER_MAX_BYTES = 100 * 1024;

	static final int MISE_MAX_BYTES = 10 * 1024;

	static final int SERVICES_MAX_BYTES = 64 * 1024;

	private static final Pattern DOMAIN = Pattern
		.compile("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");

	/** Issue identifiers read {@code ENG-42}: letters and digits, a letter first. */
	private static final Pattern ISSUE_PREFIX = Pattern.compile("^[A-Z][A-Z0-9]{0,15}$");

	private static final Pattern IMAGE = Pattern.compile(
			"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\\w][\\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$");

	private CrewSettings() {
	}

	/**
	 * Validates every present field and applies them all, or none. @return the warnings
	 * the change deserves
	 */
	static List<String> apply(Crew crew, UpdateCrew change) {
		List<String> warnings = new ArrayList<>();
		Integer memory = memory(change.containerMemoryMb(), warnings);
		Double cpus = cpus(change.containerCpus(), warnings);
		if (change.containerTtlHours() != null && change.containerTtlHours() < 0) {
			throw ProblemException.badRequest("container_ttl_hours must be 0 (never stop) or more");
		}
		String networkMode = networkMode(change.networkMode());
		List<String> domains = domains(change.allowedDomains());
		if (change.runtimeImage() != null && !change.runtimeImage().isEmpty()
				&& !IMAGE.matcher(change.runtimeImage()).matches()) {
			throw ProblemException.badRequest("runtime_image is not a valid image reference");
		}
		ConfigBlobs.json("devcontainer_config", change.devcontainerConfig(), DEVCONTAINER_MAX_BYTES, true);
		ConfigBlobs.checkSize("mise_config", change.miseConfig(), MISE_MAX_BYTES);
		checkServices(change.servicesJson());
		ConfigBlobs.checkMcp(change.mcpConfigJson());
		checkEscalation(change.escalationConfig());
		String issuePrefix = (change.issuePrefix() != null) ? change.issuePrefix().trim().toUpperCase(Locale.ROOT)
				: null;
		if (issuePrefix != null && !issuePrefix.isEmpty() && !ISSUE_PREFIX.matcher(issuePrefix).matches()) {
			throw ProblemException.badRequest("issue_prefix must be 1-16 letters or digits, starting with a letter");
		}

		if (change.name() != null) {
			crew.name = change.name().trim();
		}
		if (change.slug() != null) {
			crew.slug = change.slug();
		}
		crew.description = Fields.text(change.description(), crew.description);
		crew.color = Fields.text(change.color(), crew.color);
		crew.icon = Fields.text(change.icon(), crew.icon);
		crew.avatarStyle = Fields.text(change.avatarStyle(), crew.avatarStyle);
		if (memory != null) {
			crew.containerMemoryMb = memory;
		}
		if (cpus != null) {
			crew.containerCpus = cpus;
		}
		if (change.containerTtlHours() != null) {
			crew.containerTtlHours = change.containerTtlHours();
		}
		if (networkMode != null) {
			crew.networkMode = networkMode;
		}
		if (domains != null) {
			crew.setDomains(domains);
		}
		if (change.allowPrivateEndpoints() != null) {
			crew.allowPrivateEndpoints = change.allowPrivateEndpoints();
		}
		crew.runtimeImage = Fields.text(change.runtimeImage(), crew.runtimeImage);
		crew.devcontainerConfig = Fields.text(change.devcontainerConfig(), crew.devcontainerConfig);
		crew.miseConfig = Fields.text(change.miseConfig(), crew.miseConfig);
		crew.servicesJson = Fields.text(change.servicesJson(), crew.servicesJson);
		crew.mcpConfigJson = Fields.text(change.mcpConfigJson(), crew.mcpConfigJson);
		crew.escalationConfig = Fields.text(change.escalationConfig(), crew.escalationConfig);
		if (change.maxEphemeralAgents() != null) {
			crew.maxEphemeralAgents = change.maxEphemeralAgents();
		}
		crew.issuePrefix = Fields.text(issuePrefix, crew.issuePrefix);
		return warnings;
	}

	/** Defaults a new crew starts from before its request is applied. */
	static void defaults(Crew crew) {
		crew.containerMemoryMb = DEFAULT_MEMORY_MB;
		crew.containerCpus = DEFAULT_CPUS;
		crew.networkMode = "restricted";
	}

	private static Integer memory(Integer value, List<String> warnings) {
		if (value == null) {
			return null;
		}
		if (value == 0) {
			return DEFAULT_MEMORY_MB; // 0 means the server default, never stored as 0
		}
		if (value < MIN_MEMORY_MB || value > MAX_MEMORY_MB) {
			throw ProblemException.badRequest("container_memory_mb must be between " + MIN_MEMORY_MB + " and "
					+ MAX_MEMORY_MB + " (0 = default)");
		}
		if (value < USABLE_MEMORY_MB) {
			warnings.add("container_memory_mb " + value + " is below " + USABLE_MEMORY_MB
					+ ", the memory one agent needs: the container will be created, but the agent CLI is likely"
					+ " to be OOM-killed (exit 137) on start. Raise the crew's memory.");
		}
		return value;
	}

	private static Double cpus(Double value, List<String> warnings) {
		if (value == null) {
			return null;
		}
		if (value == 0) {
			return DEFAULT_CPUS;
		}
		if (value.isNaN() || value < MIN_CPUS || value > MAX_CPUS) {
			throw ProblemException
				.badRequest("container_cpus must be between " + MIN_CPUS + " and " + (int) MAX_CPUS + " (0 = default)");
		}
		if (value < USABLE_CPUS) {
			warnings.add("container_cpus " + value + " is below " + USABLE_CPUS
					+ ": the container will be created, but agent runs are likely to be very slow.");
		}
		return value;
	}

	private static String networkMode(String value) {
		if (value == null) {
			return null;
		}
		if (!value.equals("free") && !value.equals("restricted")) {
			throw ProblemException.badRequest("network_mode must be \"free\" or \"restricted\"");
		}
		return value;
	}

	private static List<String> domains(List<String> values) {
		if (values == null) {
			return null;
		}
		List<String> domains = new ArrayList<>(values.size());
		for (String value : values) {
			String domain = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "";
			if (domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
				throw ProblemException.badRequest("allowed_domains: \"" + value + "\" is not a valid domain");
			}
			if (!domains.contains(domain)) {
				domains.add(domain);
			}
		}
		return domains;
	}

	private static void checkServices(String value) {
		JsonNode services = ConfigBlobs.json("services_json", value, SERVICES_MAX_BYTES, false);
		if (services != null && !services.isObject() && !services.isArray()) {
			throw ProblemException.badRequest("services_json must be a JSON object or array of services");
		}
	}

	private static void checkEscalation(String value) {
		JsonNode config = ConfigBlobs.json("escalation_config", value, ConfigBlobs.DEFAULT_MAX_BYTES, false);
		if (config == null) {
			return;
		}
		if (!config.isObject()) {
			throw ProblemException.badRequest("escalation_config must be a JSON object");
		}
		Double autoApprove = threshold(config, "auto_approve_threshold");
		Double requireBelow = threshold(config, "require_approval_below");
		if (autoApprove != null && requireBelow != null && autoApprove <= requireBelow) {
			throw ProblemException
				.badRequest("escalation_config: auto_approve_threshold must be greater than require_approval_below");
		}
	}

	private static Double threshold(JsonNode config, String name) {
		JsonNode node = config.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
			throw ProblemException.badRequest("escalation_config: " + name + " must be a number between 0 and 1");
		}
		return node.asDouble();
	}

}
