package crewship.crew.agents;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import crewship.crew.agents.AgentRequests.UpdateAgent;
import crewship.crew.workspace.ConfigBlobs;
import crewship.crew.workspace.Fields;
import crewship.platform.web.ProblemException;

/**
 * The agent page's field rules, applied to an agent in one place for create and update.
 */
final class AgentSettings {

	static final Set<String> ROLES = Set.of("AGENT", "LEAD");

	static final Set<String> LEAD_MODES = Set.of("active", "passive");

	static final Set<String> CLI_ADAPTERS = Set.of("CLAUDE_CODE", "CODEX_CLI", "GEMINI_CLI", "OPENCODE", "CURSOR_CLI",
			"FACTORY_DROID");

	static final Set<String> TOOL_PROFILES = Set.of("MINIMAL", "CODING", "FULL");

	static final int MAX_PROMPTS = 8;

	static final int MAX_PROMPT_CHARS = 120;

	private AgentSettings() {
	}

	/**
	 * Validates every present field, then applies them all (crew placement is the
	 * caller's).
	 */
	static void apply(Agent agent, UpdateAgent change) {
		oneOf("agent_role", change.agentRole(), ROLES);
		oneOf("lead_mode", change.leadMode(), LEAD_MODES);
		oneOf("cli_adapter", change.cliAdapter(), CLI_ADAPTERS);
		oneOf("tool_profile", change.toolProfile(), TOOL_PROFILES);
		ConfigBlobs.checkMcp(change.mcpConfigJson());
		String prompts = (change.suggestedPrompts() != null) ? suggestedPrompts(change.suggestedPrompts()) : null;

		if (change.name() != null) {
			agent.name = change.name().trim();
		}
		if (change.slug() != null) {
			agent.slug = change.slug();
		}
		if (change.agentRole() != null) {
			agent.agentRole = change.agentRole();
		}
		if (agent.isLead()) {
			agent.leadMode = (change.leadMode() != null) ? change.leadMode()
					: (agent.leadMode != null) ? agent.leadMode : "active";
		}
		else {
			agent.leadMode = null; // lead_mode means something for LEAD agents only
		}
		agent.description = Fields.text(change.description(), agent.description);
		agent.roleTitle = Fields.text(change.roleTitle(), agent.roleTitle);
		if (change.cliAdapter() != null) {
			agent.cliAdapter = change.cliAdapter();
		}
		agent.llmProvider = Fields.text(change.llmProvider(), agent.llmProvider);
		agent.llmModel = Fields.text(change.llmModel(), agent.llmModel);
		agent.systemPrompt = Fields.text(change.systemPrompt(), agent.systemPrompt);
		agent.avatarSeed = Fields.text(change.avatarSeed(), agent.avatarSeed);
		agent.avatarStyle = Fields.text(change.avatarStyle(), agent.avatarStyle);
		if (change.timeoutSeconds() != null) {
			agent.timeoutSeconds = change.timeoutSeconds();
		}
		if (change.toolProfile() != null) {
			agent.toolProfile = change.toolProfile();
		}
		if (change.memoryEnabled() != null) {
			agent.memoryEnabled = change.memoryEnabled();
		}
		agent.cliTools = Fields.text(change.cliTools(), agent.cliTools);
		agent.scheduleCron = Fields.text(change.scheduleCron(), agent.scheduleCron);
		agent.schedulePrompt = Fields.text(change.schedulePrompt(), agent.schedulePrompt);
		if (change.scheduleEnabled() != null) {
			agent.scheduleEnabled = change.scheduleEnabled();
		}
		agent.mcpConfigJson = Fields.text(change.mcpConfigJson(), agent.mcpConfigJson);
		if (change.suggestedPrompts() != null) {
			agent.suggestedPrompts = prompts;
		}
		if (change.webhookRequireTimestamp() != null) {
			agent.webhookRequireTimestamp = change.webhookRequireTimestamp();
		}
	}

	private static void oneOf(String field, String value, Set<String> allowed) {
		if (value != null && !allowed.contains(value)) {
			throw ProblemException
				.badRequest(field + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
		}
	}

	/**
	 * Normalised as the page says: CRLF to LF, lines trimmed, blanks dropped, nothing
	 * left is null; rejections name the offending line.
	 */
	static String suggestedPrompts(String value) {
		List<String> lines = new ArrayList<>();
		for (String line : value.replace("\r\n", "\n").split("\n")) {
			if (!line.isBlank()) {
				lines.add(line.trim());
			}
		}
		if (lines.size() > MAX_PROMPTS) {
			throw ProblemException
				.badRequest("at most " + MAX_PROMPTS + " prompts are allowed (got " + lines.size() + ")");
		}
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).length() > MAX_PROMPT_CHARS) {
				throw ProblemException.badRequest("prompt " + (i + 1) + " exceeds " + MAX_PROMPT_CHARS
						+ " characters (it has " + lines.get(i).length() + ")");
			}
		}
		return lines.isEmpty() ? null : String.join("\n", lines);
	}

}
