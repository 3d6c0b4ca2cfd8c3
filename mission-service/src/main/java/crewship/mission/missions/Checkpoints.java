package crewship.mission.missions;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.missions.MissionScope.Scope;
import crewship.mission.missions.MissionStore.Mission;
import crewship.mission.missions.MissionStore.Task;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mission checkpoints: a bookmark of the mission's event cursor (the id of its latest
 * mission or task event) and a snapshot of its state (tasks still to do, runs open), for
 * the timeline. Another workspace's mission is the same 404 as a missing one.
 */
@Component
class Checkpoints {

	static final int DEFAULT_LIMIT = 50;

	static final int MAX_LIMIT = 200;

	private final JdbcTemplate jdbc;

	private final MissionStore store;

	private final MissionEvents events;

	private final JsonMapper json;

	Checkpoints(JdbcTemplate jdbc, MissionStore store, MissionEvents events, JsonMapper json) {
		this.jdbc = jdbc;
		this.store = store;
		this.events = events;
		this.json = json;
	}

	/** A checkpoint; absent values are omitted. */
	@JsonInclude(Include.NON_NULL)
	record CheckpointView(String id, String workspaceId, String crewId, String missionId, String label,
			String journalCursor, JsonNode state, String createdBy, Instant createdAt) {
	}

	/** The list page. */
	record CheckpointList(String missionId, int count, List<CheckpointView> checkpoints) {
	}

	/** The optional body of create. */
	record CreateCheckpoint(String label) {
	}

	private static final String COLUMNS = "id, workspace_id, crew_id, mission_id, label, journal_cursor, state, created_by, created_at";

	private CheckpointView row(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new CheckpointView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), this.json.readTree(rs.getString(7)), rs.getString(8), rs.getTimestamp(9).toInstant());
	}

	@Transactional(readOnly = true)
	CheckpointList list(Scope scope, String missionId, int limit) {
		Mission mission = mission(scope, missionId);
		List<CheckpointView> found = this.jdbc.query(
				"select " + COLUMNS
						+ " from mission_checkpoint where mission_id = ? order by created_at desc, id desc limit ?",
				(rs, n) -> row(rs), mission.id(), limit);
		return new CheckpointList(mission.id(), found.size(), found);
	}

	@Transactional
	CheckpointView create(Scope scope, String missionId, String label) {
		Mission mission = this.store.find(scope.workspaceId(), missionId)
			.flatMap(found -> this.store.lock(found.id()))
			.orElseThrow(() -> ProblemException.notFound("Mission " + missionId + " not found"));
		if (mission.lastEventId() == null) {
			throw ProblemException.conflict("Mission " + missionId + " has no events to anchor a checkpoint against");
		}
		List<Task> tasks = this.store.tasks(mission.id());
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("agent_memory", Map.of());
		state.put("pending_tasks", tasks.stream().filter(task -> !task.status().satisfies()).map(Task::id).toList());
		state.put("open_assignments",
				tasks.stream()
					.filter(task -> task.status() == TaskStatus.IN_PROGRESS && task.runId() != null)
					.map(Task::runId)
					.toList());
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("mission_status", mission.status().name());
		Map<String, String> statuses = new LinkedHashMap<>();
		tasks.forEach(task -> statuses.put(task.id(), task.status().name()));
		meta.put("task_statuses", statuses);
		state.put("meta", meta);
		String id = Cuid.next();
		Instant now = Timestamps.now();
		String trimmed = (label != null && !label.isBlank()) ? label.trim() : null;
		if (trimmed != null && trimmed.length() > 500) {
			throw ProblemException.badRequest("label is longer than 500 characters");
		}
		this.jdbc.update("insert into mission_checkpoint (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)", id,
				mission.workspaceId(), mission.crewId(), mission.id(), trimmed, mission.lastEventId(),
				this.json.writeValueAsString(state), scope.userId(), Timestamp.from(now));
		this.events.audit(mission, scope.userId(), "mission.checkpoint", Map.of("checkpoint_id", id));
		return new CheckpointView(id, mission.workspaceId(), mission.crewId(), mission.id(), trimmed,
				mission.lastEventId(), this.json.valueToTree(state), scope.userId(), now);
	}

	private Mission mission(Scope scope, String missionId) {
		return this.store.find(scope.workspaceId(), missionId)
			.orElseThrow(() -> ProblemException.notFound("Mission " + missionId + " not found"));
	}

	/** {@code /api/v1/missions/{missionId}/checkpoints}. */
	@RestController
	static class CheckpointController {

		private final Checkpoints checkpoints;

		private final MissionScope scopes;

		CheckpointController(Checkpoints checkpoints, MissionScope scopes) {
			this.checkpoints = checkpoints;
			this.scopes = scopes;
		}

		/**
		 * {@code limit} 1–200; a value outside that range falls back to 50 (the page).
		 */
		@GetMapping("/api/v1/missions/{missionId}/checkpoints")
		CheckpointList list(@PathVariable String missionId, @RequestParam(required = false) String limit,
				IdentityAssertion caller, HttpServletRequest request) {
			int parsed = DEFAULT_LIMIT;
			try {
				parsed = (limit != null) ? Integer.parseInt(limit.trim()) : DEFAULT_LIMIT;
			}
			catch (NumberFormatException ex) {
				parsed = DEFAULT_LIMIT;
			}
			if (parsed < 1 || parsed > MAX_LIMIT) {
				parsed = DEFAULT_LIMIT;
			}
			return this.checkpoints.list(this.scopes.require(caller, request, Action.READ, true), missionId, parsed);
		}

		@PostMapping("/api/v1/missions/{missionId}/checkpoints")
		@ResponseStatus(HttpStatus.CREATED)
		CheckpointView create(@PathVariable String missionId, @RequestBody(required = false) CreateCheckpoint body,
				IdentityAssertion caller, HttpServletRequest request) {
			return this.checkpoints.create(this.scopes.require(caller, request, Action.CREATE, true), missionId,
					(body != null) ? body.label() : null);
		}

	}

}
