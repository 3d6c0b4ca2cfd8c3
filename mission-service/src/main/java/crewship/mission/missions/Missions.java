package crewship.mission.missions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.mission.agents.AgentProfile;
import crewship.mission.agents.AgentProfiles;
import crewship.mission.missions.MissionScope.Scope;
import crewship.mission.missions.MissionStore.Mission;
import crewship.mission.missions.MissionStore.Task;
import crewship.mission.missions.MissionViews.LifecycleView;
import crewship.mission.missions.MissionViews.MissionView;
import crewship.mission.missions.MissionViews.TaskView;
import crewship.mission.missions.crews.MissionCrews;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Missions page's operations: CRUD, the lifecycle actions (start, restart, resume,
 * clone) and tasks. Every change that touches a mission's status or tasks holds the
 * mission's row lock, so it serialises with the engine's reaction to finished runs.
 */
@Service
class Missions {

	/**
	 * How long a request waits for an agent or crew made a moment ago to be projected.
	 */
	static final Duration PROJECTION_WAIT = Duration.ofSeconds(5);

	static final int MAX_ITERATIONS = 10;

	static final int MAX_TITLE = 500;

	private final MissionStore store;

	private final MissionEngine engine;

	private final MissionEvents events;

	private final AgentProfiles agents;

	private final MissionCrews crews;

	private final JsonMapper json;

	Missions(MissionStore store, MissionEngine engine, MissionEvents events, AgentProfiles agents, MissionCrews crews,
			JsonMapper json) {
		this.store = store;
		this.engine = engine;
		this.events = events;
		this.agents = agents;
		this.crews = crews;
		this.json = json;
	}

	/** The request body of create. */
	record CreateMission(String title, String description, String leadAgentId, String workflowTemplate) {
	}

	// --- reading

	@Transactional(readOnly = true)
	List<MissionView> list(Scope scope, String crewRef, String status, boolean includeTasks, PageParams page) {
		String crewId = (crewRef != null) ? this.crews.resolve(scope.workspaceId(), crewRef) : null;
		MissionStatus filter = (status != null && !status.isBlank()) ? MissionStatus.parse(status) : null;
		List<Mission> missions = this.store.list(scope.workspaceId(), crewId, filter, page.limit(), page.offset());
		Map<String, List<Task>> tasks = new HashMap<>();
		this.store.tasks(missions.stream().map(Mission::id).toList())
			.forEach(task -> tasks.computeIfAbsent(task.missionId(), id -> new ArrayList<>()).add(task));
		return missions.stream()
			.map(mission -> MissionView.of(mission, tasks.getOrDefault(mission.id(), List.of()), includeTasks))
			.toList();
	}

	@Transactional(readOnly = true)
	MissionView get(Scope scope, String crewRef, String missionId) {
		Mission mission = require(scope, crewRef, missionId);
		return view(mission);
	}

	private MissionView view(Mission mission) {
		return MissionView.of(mission, this.store.tasks(mission.id()), true);
	}

	private MissionView view(String workspaceId, String missionId) {
		return view(this.store.find(workspaceId, missionId).orElseThrow());
	}

	/**
	 * The mission of the crew in the path, else 404 (a mission of another crew or
	 * workspace is not found either).
	 */
	Mission require(Scope scope, String crewRef, String missionId) {
		Mission mission = this.store.find(scope.workspaceId(), missionId)
			.orElseThrow(() -> ProblemException.notFound("Mission " + missionId + " not found"));
		if (!mission.crewId().equals(crewRef)
				&& !mission.crewId().equals(this.crews.resolve(scope.workspaceId(), crewRef))) {
			throw ProblemException.notFound("Mission " + missionId + " not found in crew " + crewRef);
		}
		return mission;
	}

	/** {@link #require} with the mission's row locked for the rest of the transaction. */
	private Mission lock(Scope scope, String crewRef, String missionId) {
		require(scope, crewRef, missionId);
		return this.store.lock(missionId)
			.orElseThrow(() -> ProblemException.notFound("Mission " + missionId + " not found"));
	}

	// --- create, update, delete

	@Transactional
	MissionView create(Scope scope, String crewRef, CreateMission body) {
		String title = requireTitle(body.title());
		if (body.leadAgentId() == null || body.leadAgentId().isBlank()) {
			throw ProblemException.badRequest("lead_agent_id is required");
		}
		AgentProfile lead = agent(scope.workspaceId(), body.leadAgentId(), "lead_agent_id");
		String crewId = crewOf(scope.workspaceId(), crewRef, lead);
		if (!"LEAD".equalsIgnoreCase(lead.role())) {
			throw ProblemException
				.badRequest("lead_agent_id " + lead.id() + " is not a LEAD agent (its role is " + lead.role() + ")");
		}
		Instant now = Timestamps.now();
		Mission mission = new Mission(Cuid.next(), scope.workspaceId(), crewId, lead.id(), lead.name(), lead.slug(),
				title, blankToNull(body.description()), null, MissionStatus.PLANNING,
				blankToNull(body.workflowTemplate()), null, null, scope.userId(), now, now, null, null);
		this.store.insert(mission);
		this.events.created(mission, scope.userId());
		this.events.updated(mission, MissionStatus.PLANNING, scope.userId());
		this.events.audit(mission, scope.userId(), "mission.create", Map.of("lead_agent_id", lead.id()));
		return view(mission);
	}

	/**
	 * The crew the path names, which must be the lead's: a slug made a moment ago is
	 * waited for like the agent.
	 */
	private String crewOf(String workspaceId, String crewRef, AgentProfile lead) {
		if (crewRef.equals(lead.crewId())) {
			return lead.crewId();
		}
		Optional<String> known = await(() -> this.crews.known(workspaceId, crewRef).filter(lead.crewId()::equals));
		return known.orElseThrow(() -> ProblemException
			.badRequest("lead_agent_id " + lead.id() + " is not an agent of crew " + crewRef));
	}

	@Transactional
	MissionView update(Scope scope, String crewRef, String missionId, JsonNode body) {
		Mission mission = lock(scope, crewRef, missionId);
		String title = body.has("title") ? requireTitle(text(body, "title")) : null;
		String description = text(body, "description");
		String plan = text(body, "plan");
		String status = text(body, "status");
		boolean fields = title != null || description != null || plan != null;
		if (fields) {
			this.store.updateFields(mission.id(), title, description, plan);
			mission = this.store.lock(mission.id()).orElseThrow();
		}
		if (status != null && MissionStatus.parse(status) != mission.status()) {
			MissionStatus target = MissionStatus.parse(status);
			mission.status().requireTransition(target);
			if (target == MissionStatus.IN_PROGRESS && mission.status() == MissionStatus.PLANNING) {
				start(scope, mission);
			}
			else {
				move(mission, target, scope.userId());
			}
			this.events.audit(mission, scope.userId(), "mission.status",
					Map.of("from", mission.status().name(), "to", target.name()));
		}
		else if (fields) {
			this.events.updated(mission, mission.status(), scope.userId());
			this.events.audit(mission, scope.userId(), "mission.update", Map.of());
		}
		return view(scope.workspaceId(), mission.id());
	}

	/** A person's move of a started mission (the page's table already checked). */
	private void move(Mission mission, MissionStatus target, String actor) {
		if (!this.store.moveStatus(mission.id(), target, mission.status())) {
			throw ProblemException.conflict("Mission " + mission.id() + " changed meanwhile; read it and try again");
		}
		if (target == MissionStatus.CANCELLED || target == MissionStatus.FAILED || target == MissionStatus.COMPLETED) {
			this.engine.cancelRuns(mission, actor);
		}
		else {
			this.engine.cancelReview(mission, actor);
		}
		this.events.updated(mission, target, actor);
		if (target == MissionStatus.IN_PROGRESS) {
			this.engine.advance(mission, actor);
		}
	}

	@Transactional
	void delete(Scope scope, String crewRef, String missionId) {
		Mission mission = lock(scope, crewRef, missionId);
		if (mission.status() != MissionStatus.PLANNING && mission.status() != MissionStatus.CANCELLED) {
			throw ProblemException
				.badRequest("Only a PLANNING or CANCELLED mission can be deleted; this one is " + mission.status());
		}
		this.store.delete(mission.id());
		this.events.deleted(mission, scope.userId());
		this.events.audit(mission, scope.userId(), "mission.delete", Map.of());
	}

	// --- lifecycle

	/**
	 * PLANNING → IN_PROGRESS by compare-and-swap: of two concurrent starts one moves the
	 * mission, the other (waiting on the row, then finding it moved) gets 409. The DAG is
	 * validated and the first tasks dispatched in the same transaction: a refusal or an
	 * engine failure leaves the mission PLANNING.
	 */
	@Transactional
	LifecycleView start(Scope scope, String crewRef, String missionId) {
		Mission mission = require(scope, crewRef, missionId);
		start(scope, mission);
		return new LifecycleView(mission.id(), MissionStatus.IN_PROGRESS.name(), true, "Mission started");
	}

	private void start(Scope scope, Mission mission) {
		if (!this.store.moveStatus(mission.id(), MissionStatus.IN_PROGRESS, MissionStatus.PLANNING)) {
			MissionStatus now = this.store.find(scope.workspaceId(), mission.id())
				.map(Mission::status)
				.orElseThrow(() -> ProblemException.notFound("Mission " + mission.id() + " not found"));
			if (now.running()) {
				throw ProblemException.conflict("Mission " + mission.id() + " was already started (it is " + now + ")");
			}
			throw ProblemException.badRequest("Mission " + mission.id() + " is " + now + ", not PLANNING");
		}
		List<Task> tasks = this.store.tasks(mission.id());
		if (tasks.isEmpty()) {
			throw ProblemException.badRequest("Mission " + mission.id() + " has no tasks to start");
		}
		TaskGraph.of(tasks).validate();
		this.events.updated(mission, MissionStatus.IN_PROGRESS, scope.userId());
		this.events.audit(mission, scope.userId(), "mission.start", Map.of("tasks", tasks.size()));
		this.engine.advance(mission, scope.userId());
	}

	/**
	 * A terminal mission back to PLANNING: every task not COMPLETED waits again (PENDING
	 * when its dependencies allow, else BLOCKED) in its next iteration.
	 */
	@Transactional
	LifecycleView restart(Scope scope, String crewRef, String missionId) {
		Mission mission = lock(scope, crewRef, missionId);
		if (!this.store.moveStatus(mission.id(), MissionStatus.PLANNING, MissionStatus.COMPLETED, MissionStatus.FAILED,
				MissionStatus.CANCELLED)) {
			throw ProblemException.conflict(
					"Only a COMPLETED, FAILED or CANCELLED mission can be restarted; this one is " + mission.status());
		}
		this.store.setReviewRun(mission.id(), null);
		List<Task> tasks = this.store.tasks(mission.id());
		Map<String, Task> byId = byId(tasks);
		for (Task task : tasks) {
			if (task.status() != TaskStatus.COMPLETED) {
				TaskStatus waiting = waiting(task.dependsOn(), byId, Set.of(TaskStatus.COMPLETED));
				this.store.resetTask(task.id(), waiting, true);
				this.events.taskUpdated(mission, task, waiting, scope.userId());
			}
		}
		this.events.updated(mission, MissionStatus.PLANNING, scope.userId());
		this.events.audit(mission, scope.userId(), "mission.restart", Map.of("from", mission.status().name()));
		return new LifecycleView(mission.id(), MissionStatus.PLANNING.name(), true, "Mission restarted");
	}

	/**
	 * A FAILED mission goes on from where it failed: its failed tasks and everything
	 * downstream of them wait again, COMPLETED tasks keep their results, and the engine
	 * dispatches what is ready.
	 */
	@Transactional
	LifecycleView resume(Scope scope, String crewRef, String missionId) {
		Mission mission = lock(scope, crewRef, missionId);
		if (mission.status() != MissionStatus.FAILED) {
			throw ProblemException.conflict("Only a FAILED mission can be resumed; this one is " + mission.status());
		}
		List<Task> tasks = this.store.tasks(mission.id());
		Set<String> failed = new java.util.LinkedHashSet<>();
		tasks.stream()
			.filter(task -> task.status() == TaskStatus.FAILED || task.status() == TaskStatus.AWAITING_APPROVAL)
			.forEach(task -> failed.add(task.id()));
		if (failed.isEmpty()) {
			throw ProblemException.badRequest("Mission " + mission.id() + " has no failed tasks to resume from");
		}
		TaskGraph graph = TaskGraph.of(tasks);
		graph.validate();
		Map<String, Task> byId = byId(tasks);
		Set<String> reset = graph.downstream(failed);
		for (String taskId : reset) {
			Task task = byId.get(taskId);
			if (task.status() == TaskStatus.COMPLETED || task.status() == TaskStatus.SKIPPED
					|| task.status() == TaskStatus.IN_PROGRESS) {
				continue;
			}
			TaskStatus waiting = waiting(task.dependsOn(), byId, Set.of(TaskStatus.COMPLETED, TaskStatus.SKIPPED));
			this.store.resetTask(taskId, waiting, failed.contains(taskId));
			this.events.taskUpdated(mission, task, waiting, scope.userId());
		}
		if (!this.store.moveStatus(mission.id(), MissionStatus.IN_PROGRESS, MissionStatus.FAILED)) {
			throw ProblemException.conflict("Mission " + mission.id() + " changed meanwhile; read it and try again");
		}
		this.store.setReviewRun(mission.id(), null);
		this.events.updated(mission, MissionStatus.IN_PROGRESS, scope.userId());
		this.events.audit(mission, scope.userId(), "mission.resume", Map.of("failed_tasks", List.copyOf(failed)));
		this.engine.advance(mission, scope.userId());
		return new LifecycleView(mission.id(), MissionStatus.IN_PROGRESS.name(), true, "Mission resumed");
	}

	/**
	 * A new PLANNING mission with a copy of every task (PENDING, or BLOCKED when it
	 * depends on others), dependencies pointing at the copies.
	 */
	@Transactional
	LifecycleView cloneMission(Scope scope, String crewRef, String missionId) {
		Mission source = require(scope, crewRef, missionId);
		Instant now = Timestamps.now();
		Mission copy = new Mission(Cuid.next(), source.workspaceId(), source.crewId(), source.leadAgentId(),
				source.leadAgentName(), source.leadAgentSlug(), source.title(), source.description(), source.plan(),
				MissionStatus.PLANNING, source.workflowTemplate(), null, null, scope.userId(), now, now, null, null);
		this.store.insert(copy);
		this.events.created(copy, scope.userId());
		List<Task> tasks = this.store.tasks(source.id());
		Map<String, String> ids = new HashMap<>();
		tasks.forEach(task -> ids.put(task.id(), Cuid.next()));
		for (Task task : tasks) {
			List<String> dependsOn = task.dependsOn().stream().map(ids::get).filter(id -> id != null).toList();
			TaskStatus status = dependsOn.isEmpty() ? TaskStatus.PENDING : TaskStatus.BLOCKED;
			Task cloned = new Task(ids.get(task.id()), copy.id(), copy.workspaceId(), task.assignedAgentId(),
					task.agentName(), task.agentSlug(), task.title(), task.description(), status, task.taskOrder(),
					dependsOn, 1, task.maxIterations(), null, null, null, null, null, null, null, null, null, null, now,
					now);
			this.store.insertTask(cloned);
		}
		this.events.audit(copy, scope.userId(), "mission.clone", Map.of("source_mission_id", source.id()));
		return new LifecycleView(copy.id(), MissionStatus.PLANNING.name(), true, "Mission cloned from " + source.id());
	}

	// --- tasks

	@Transactional
	TaskView createTask(Scope scope, String crewRef, String missionId, JsonNode body) {
		Mission mission = lock(scope, crewRef, missionId);
		if (mission.status() != MissionStatus.PLANNING && mission.status() != MissionStatus.IN_PROGRESS) {
			throw ProblemException.badRequest(
					"Tasks can be added only to a PLANNING or IN_PROGRESS mission; this one is " + mission.status());
		}
		String title = requireTitle(text(body, "title"));
		List<Task> tasks = this.store.tasks(mission.id());
		Map<String, Task> byId = byId(tasks);
		List<String> dependsOn = dependsOn(body.get("depends_on"));
		String id = Cuid.next();
		TaskGraph.of(tasks).with(id, dependsOn).validate();
		AgentProfile agent = assignee(mission, text(body, "assigned_agent_id"));
		Integer maxIterations = maxIterations(body);
		JsonNode order = body.get("task_order");
		if (order != null && !order.isNull() && !order.isIntegralNumber()) {
			throw ProblemException.badRequest("task_order must be an integer");
		}
		TaskStatus status = waiting(dependsOn, byId, Set.of(TaskStatus.COMPLETED));
		Instant now = Timestamps.now();
		Task task = new Task(id, mission.id(), mission.workspaceId(), (agent != null) ? agent.id() : null,
				(agent != null) ? agent.name() : null, (agent != null) ? agent.slug() : null, title,
				blankToNull(text(body, "description")), status, (order != null && !order.isNull()) ? order.asInt() : 0,
				dependsOn, 1, maxIterations, null, null, null, null, null, null, null, null, null, null, now, now);
		this.store.insertTask(task);
		this.events.taskUpdated(mission, task, status, scope.userId());
		if (mission.status() == MissionStatus.IN_PROGRESS) {
			this.engine.advance(mission, scope.userId());
		}
		return TaskView.of(this.store.task(mission.id(), id).orElseThrow());
	}

	@Transactional
	TaskView updateTask(Scope scope, String crewRef, String missionId, String taskId, JsonNode body) {
		Mission mission = lock(scope, crewRef, missionId);
		Task task = this.store.task(mission.id(), taskId)
			.orElseThrow(() -> ProblemException.notFound("Task " + taskId + " not found in mission " + missionId));
		boolean statusGiven = body.has("status") && !body.get("status").isNull();
		boolean dependsGiven = body.has("depends_on") && !body.get("depends_on").isNull();
		if (statusGiven && dependsGiven) {
			throw ProblemException.badRequest("Cannot update status and depends_on in the same request");
		}
		if ((body.has("title") || body.has("description") || dependsGiven) && !task.status().editable()) {
			throw ProblemException.badRequest(
					"title, description and depends_on can change only while the task is PENDING or BLOCKED; it is "
							+ task.status());
		}
		List<Task> tasks = this.store.tasks(mission.id());
		Map<String, Task> byId = byId(tasks);
		String title = body.has("title") ? requireTitle(text(body, "title")) : task.title();
		String description = body.has("description") ? blankToNull(text(body, "description")) : task.description();
		List<String> dependsOn = task.dependsOn();
		TaskStatus status = task.status();
		if (dependsGiven) {
			dependsOn = dependsOn(body.get("depends_on"));
			TaskGraph.of(tasks).with(task.id(), dependsOn).validate();
			status = waiting(dependsOn, byId, Set.of(TaskStatus.COMPLETED, TaskStatus.SKIPPED));
		}
		String agentId = task.assignedAgentId();
		String agentName = task.agentName();
		String agentSlug = task.agentSlug();
		if (body.has("assigned_agent_id")) {
			AgentProfile agent = assignee(mission, text(body, "assigned_agent_id"));
			agentId = (agent != null) ? agent.id() : null;
			agentName = (agent != null) ? agent.name() : null;
			agentSlug = (agent != null) ? agent.slug() : null;
		}
		Long tokens = body.has("token_count") ? nonNegativeLong(body, "token_count") : task.tokenCount();
		Double cost = body.has("estimated_cost") ? nonNegativeDouble(body, "estimated_cost") : task.estimatedCost();
		Integer maxIterations = body.has("max_iterations") ? maxIterations(body) : task.maxIterations();
		String summary = body.has("result_summary") ? text(body, "result_summary") : task.resultSummary();
		String error = body.has("error_message") ? text(body, "error_message") : task.errorMessage();
		String outputPath = body.has("output_path") ? text(body, "output_path") : task.outputPath();
		TaskStatus target = statusGiven ? TaskStatus.parse(text(body, "status")) : null;
		if (target != null && target != task.status()) {
			task.status().requireTransition(target);
			status = target;
		}
		Instant now = Timestamps.now();
		Instant startedAt = (status == TaskStatus.IN_PROGRESS && task.status() != TaskStatus.IN_PROGRESS) ? now
				: task.startedAt();
		boolean ends = status != task.status()
				&& (status == TaskStatus.COMPLETED || status == TaskStatus.FAILED || status == TaskStatus.SKIPPED);
		Instant completedAt = ends ? now : task.completedAt();
		Long duration = (ends && startedAt != null) ? Long.valueOf(Duration.between(startedAt, now).toMillis())
				: task.durationMs();
		String runId = task.runId();
		if (ends && task.status() == TaskStatus.IN_PROGRESS && runId != null) {
			this.engine.cancelAfterCommit(mission.workspaceId(), runId, scope.userId(),
					"Task set to " + status + " by hand");
		}
		Task changed = new Task(task.id(), task.missionId(), task.workspaceId(), agentId, agentName, agentSlug, title,
				description, status, task.taskOrder(), dependsOn, task.iteration(), maxIterations, summary,
				task.output(), outputPath, error, runId, tokens, cost, startedAt, completedAt, duration,
				task.createdAt(), now);
		this.store.updateTask(changed);
		if (status != task.status()) {
			this.events.taskUpdated(mission, changed, status, scope.userId());
			this.events.audit(mission, scope.userId(), "task.status",
					Map.of("task_id", task.id(), "from", task.status().name(), "to", status.name()));
			if (status == TaskStatus.FAILED
					&& this.store.moveStatus(mission.id(), MissionStatus.FAILED, MissionStatus.IN_PROGRESS)) {
				this.engine.cancelRuns(mission, scope.userId());
				this.events.updated(mission, MissionStatus.FAILED, scope.userId());
			}
			else if (mission.status() == MissionStatus.IN_PROGRESS) {
				this.engine.advance(mission, scope.userId());
			}
		}
		return TaskView.of(this.store.task(mission.id(), task.id()).orElseThrow());
	}

	/** The agent a task is given to: an agent of the mission's crew; null unassigns. */
	private AgentProfile assignee(Mission mission, String agentId) {
		if (agentId == null || agentId.isBlank()) {
			return null;
		}
		AgentProfile agent = agent(mission.workspaceId(), agentId, "assigned_agent_id");
		if (!mission.crewId().equals(agent.crewId())) {
			throw ProblemException
				.badRequest("assigned_agent_id " + agentId + " is not an agent of the mission's crew");
		}
		return agent;
	}

	/** An agent of the workspace, waited for briefly (a new agent's event may lag). */
	private AgentProfile agent(String workspaceId, String agentId, String field) {
		return await(() -> this.agents.find(workspaceId, agentId)).orElseThrow(
				() -> ProblemException.badRequest(field + " " + agentId + " is not an agent of this workspace"));
	}

	private List<String> dependsOn(JsonNode value) {
		if (value == null || value.isNull()) {
			return List.of();
		}
		JsonNode list = value;
		if (value.isString()) {
			String text = value.asString().trim();
			if (text.isEmpty()) {
				return List.of();
			}
			try {
				list = this.json.readTree(text);
			}
			catch (RuntimeException ex) {
				throw ProblemException.badRequest("depends_on must be a JSON array of task ids");
			}
		}
		if (!list.isArray()) {
			throw ProblemException.badRequest("depends_on must be an array of task ids");
		}
		List<String> ids = new ArrayList<>();
		for (JsonNode id : list) {
			if (!id.isString() || id.asString().isBlank()) {
				throw ProblemException.badRequest("depends_on must hold task ids (strings)");
			}
			if (!ids.contains(id.asString())) {
				ids.add(id.asString());
			}
		}
		if (ids.size() > 100) {
			throw ProblemException.badRequest("depends_on holds at most 100 task ids");
		}
		return List.copyOf(ids);
	}

	/** PENDING when every dependency is in one of {@code done}, else BLOCKED. */
	private static TaskStatus waiting(List<String> dependsOn, Map<String, Task> byId, Set<TaskStatus> done) {
		boolean ready = dependsOn.stream().allMatch(id -> byId.containsKey(id) && done.contains(byId.get(id).status()));
		return ready ? TaskStatus.PENDING : TaskStatus.BLOCKED;
	}

	private static Map<String, Task> byId(List<Task> tasks) {
		Map<String, Task> byId = new LinkedHashMap<>();
		tasks.forEach(task -> byId.put(task.id(), task));
		return byId;
	}

	private static Integer maxIterations(JsonNode body) {
		JsonNode value = body.get("max_iterations");
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || value.asInt() < 0 || value.asInt() > MAX_ITERATIONS) {
			throw ProblemException.badRequest("max_iterations must be an integer from 0 to " + MAX_ITERATIONS);
		}
		return value.asInt();
	}

	private static Long nonNegativeLong(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || value.asLong() < 0) {
			throw ProblemException.badRequest(field + " must be a non-negative integer");
		}
		return value.asLong();
	}

	private static Double nonNegativeDouble(JsonNode body, String field) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isNumber() || value.asDouble() < 0) {
			throw ProblemException.badRequest(field + " must be a non-negative number");
		}
		return value.asDouble();
	}

	private static String requireTitle(String title) {
		if (title == null || title.isBlank()) {
			throw ProblemException.badRequest("title is required");
		}
		if (title.length() > MAX_TITLE) {
			throw ProblemException.badRequest("title is longer than " + MAX_TITLE + " characters");
		}
		return title.trim();
	}

	static String text(JsonNode body, String field) {
		JsonNode value = (body != null) ? body.get(field) : null;
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw ProblemException.badRequest(field + " must be a string");
		}
		return value.asString();
	}

	private static String blankToNull(String text) {
		return (text == null || text.isBlank()) ? null : text;
	}

	static <T> Optional<T> await(Supplier<Optional<T>> lookup) {
		long deadline = System.nanoTime() + PROJECTION_WAIT.toNanos();
		Optional<T> found = lookup.get();
		while (found.isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return Optional.empty();
			}
			found = lookup.get();
		}
		return found;
	}

}
