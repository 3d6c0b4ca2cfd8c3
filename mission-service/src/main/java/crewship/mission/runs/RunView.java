package crewship.mission.runs;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import crewship.mission.agents.AgentDirectory.Named;

/**
 * A run as the runs API shows it (the reference's {@code Run}, and its {@code crew_id}
 * beside {@code crew_name}); {@code output} only on the single run, {@code model} only
 * when known.
 */
record RunView(String id, String workspaceId, String agentId, String agentName, String agentSlug, String crewId,
		String crewName, String chatId, String triggeredBy, String triggerType, String status, String startedAt,
		String finishedAt, String errorMessage, Integer exitCode, Map<String, Object> metadata,
		@JsonInclude(JsonInclude.Include.NON_NULL) String model, String createdAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) String output) {

	static RunView of(Run run, Named agent, boolean withOutput) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("tags", run.tags());
		metadata.put("trigger", run.trigger().wire());
		put(metadata, "issue_id", run.issueId());
		put(metadata, "mission_id", run.missionId());
		put(metadata, "task_id", run.taskId());
		metadata.put("attempt", run.attempt());
		metadata.put("recovered", run.recovered());
		put(metadata, "runtime", run.runtime());
		put(metadata, "provider", run.provider());
		put(metadata, "duration_ms", run.durationMs());
		put(metadata, "input_tokens", run.inputTokens());
		put(metadata, "output_tokens", run.outputTokens());
		put(metadata, "cost_usd", run.costUsd());
		if (run.cancelRequestedAt() != null && !run.status().terminal()) {
			metadata.put("cancel_requested", true);
		}
		String model = (run.model() != null) ? run.model() : null;
		return new RunView(run.id(), run.workspaceId(), run.agentId(), (agent != null) ? agent.name() : null,
				(agent != null) ? agent.slug() : null, run.crewId(), (agent != null) ? agent.crewName() : null,
				run.chatId(), run.triggeredBy(), run.trigger().name(), run.status().name(), text(run.startedAt()),
				text(run.finishedAt()), run.error(), run.exitCode(), metadata, model, run.createdAt().toString(),
				withOutput ? ((run.output() != null) ? run.output() : "") : null);
	}

	private static String text(java.time.Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	private static void put(Map<String, Object> metadata, String key, Object value) {
		if (value != null) {
			metadata.put(key, value);
		}
	}

}
