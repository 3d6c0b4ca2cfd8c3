package crewship.mission.missions;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

import crewship.mission.missions.MissionStore.Mission;
import crewship.mission.missions.MissionStore.Task;

/** The JSON shapes of the Missions page. */
final class MissionViews {

	private MissionViews() {
	}

	/**
	 * A mission; {@code tasks} only where asked for (the list without
	 * {@code include_tasks} omits it).
	 */
	record MissionView(String id, String workspaceId, String crewId, String leadAgentId,
			@JsonInclude(Include.NON_NULL) String leadAgentName, @JsonInclude(Include.NON_NULL) String leadAgentSlug,
			String traceId, String title, @JsonInclude(Include.NON_NULL) String description, String status, String plan,
			String workflowTemplate, long totalTokenCount, double totalEstimatedCost, Instant createdAt,
			Instant updatedAt, Instant startedAt, Instant completedAt, TaskStats taskStats,
			@JsonInclude(Include.NON_NULL) List<TaskView> tasks) {

		static MissionView of(Mission m, List<Task> tasks, boolean includeTasks) {
			long tokens = tasks.stream().mapToLong(t -> (t.tokenCount() != null) ? t.tokenCount() : 0).sum();
			double cost = tasks.stream().mapToDouble(t -> (t.estimatedCost() != null) ? t.estimatedCost() : 0).sum();
			return new MissionView(m.id(), m.workspaceId(), m.crewId(), m.leadAgentId(), m.leadAgentName(),
					m.leadAgentSlug(), "mission-" + m.id(), m.title(), m.description(), m.status().name(), m.plan(),
					m.workflowTemplate(), tokens, cost, m.createdAt(), m.updatedAt(), m.startedAt(), m.completedAt(),
					TaskStats.of(tasks), includeTasks ? tasks.stream().map(TaskView::of).toList() : null);
		}

	}

	/** How many of a mission's tasks are in each status. */
	record TaskStats(int total, int pending, int blocked, int inProgress, int completed, int failed, int skipped,
			int awaitingApproval) {

		static TaskStats of(List<Task> tasks) {
			int[] counts = new int[TaskStatus.values().length];
			tasks.forEach(task -> counts[task.status().ordinal()]++);
			return new TaskStats(tasks.size(), counts[TaskStatus.PENDING.ordinal()],
					counts[TaskStatus.BLOCKED.ordinal()], counts[TaskStatus.IN_PROGRESS.ordinal()],
					counts[TaskStatus.COMPLETED.ordinal()], counts[TaskStatus.FAILED.ordinal()],
					counts[TaskStatus.SKIPPED.ordinal()], counts[TaskStatus.AWAITING_APPROVAL.ordinal()]);
		}

	}

	/**
	 * A task. {@code depends_on} is the JSON-encoded list of task ids (a string, as the
	 * page shows it); {@code assignment_id} is the run working it.
	 */
	record TaskView(String id, String missionId, String assignedAgentId, String agentName, String agentSlug,
			String title, String description, String status, int taskOrder, String dependsOn, Integer iteration,
			Integer maxIterations, String resultSummary, String outputPath, String errorMessage, String assignmentId,
			Long tokenCount, Double estimatedCost, Instant startedAt, Instant completedAt, Long durationMs,
			Double confidence, boolean needsReview, String handoffContext, String evaluationStatus,
			String evaluationNotes, boolean approvalRequired, String approvalStatus, String approvedBy,
			Instant approvedAt, Instant createdAt, Instant updatedAt) {

		static TaskView of(Task t) {
			return new TaskView(t.id(), t.missionId(), t.assignedAgentId(), t.agentName(), t.agentSlug(), t.title(),
					t.description(), t.status().name(), t.taskOrder(), dependsOnJson(t.dependsOn()), t.iteration(),
					t.maxIterations(), t.resultSummary(), t.outputPath(), t.errorMessage(), t.runId(), t.tokenCount(),
					t.estimatedCost(), t.startedAt(), t.completedAt(), t.durationMs(), null, false, null, null, null,
					false, null, null, null, t.createdAt(), t.updatedAt());
		}

		static String dependsOnJson(List<String> ids) {
			StringBuilder json = new StringBuilder("[");
			for (int i = 0; i < ids.size(); i++) {
				json.append(i == 0 ? "" : ",").append('"').append(ids.get(i).replace("\"", "")).append('"');
			}
			return json.append(']').toString();
		}

	}

	/** The answer of start, restart, resume and clone. */
	record LifecycleView(String id, String status, boolean success, String message) {
	}

}
