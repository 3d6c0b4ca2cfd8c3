package crewship.mission.missions;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.missions.MissionViews.LifecycleView;
import crewship.mission.missions.MissionViews.MissionView;
import crewship.mission.missions.MissionViews.TaskView;
import crewship.mission.missions.Missions.CreateMission;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * The Missions page: {@code /api/v1/missions} (the workspace's list) and
 * {@code /api/v1/crews/{crewId}/missions/**} (a crew's missions by crew id or slug, their
 * lifecycle and tasks). Reads for any member, writes for OWNER, ADMIN and MANAGER.
 */
@RestController
class MissionController {

	private static final String MISSION = "/api/v1/crews/{crewId}/missions/{missionId}";

	private final Missions missions;

	private final MissionScope scopes;

	MissionController(Missions missions, MissionScope scopes) {
		this.missions = missions;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/missions")
	List<MissionView> list(@RequestParam(required = false) String status,
			@RequestParam(name = "include_tasks", defaultValue = "false") String includeTasks, PageParams page,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.missions.list(this.scopes.require(caller, request, Action.READ), null, status,
				"true".equalsIgnoreCase(includeTasks), page);
	}

	@GetMapping("/api/v1/crews/{crewId}/missions")
	List<MissionView> listOfCrew(@PathVariable String crewId, @RequestParam(required = false) String status,
			@RequestParam(name = "include_tasks", defaultValue = "false") String includeTasks, PageParams page,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.missions.list(this.scopes.require(caller, request, Action.READ), crewId, status,
				"true".equalsIgnoreCase(includeTasks), page);
	}

	@PostMapping("/api/v1/crews/{crewId}/missions")
	@ResponseStatus(HttpStatus.CREATED)
	MissionView create(@PathVariable String crewId, @RequestBody(required = false) CreateMission body,
			IdentityAssertion caller, HttpServletRequest request) {
		if (body == null) {
			throw ProblemException.badRequest("A JSON body with title and lead_agent_id is required");
		}
		return this.missions.create(this.scopes.require(caller, request, Action.CREATE), crewId, body);
	}

	@GetMapping(MISSION)
	MissionView get(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.missions.get(this.scopes.require(caller, request, Action.READ), crewId, missionId);
	}

	@PatchMapping(MISSION)
	MissionView update(@PathVariable String crewId, @PathVariable String missionId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller, HttpServletRequest request) {
		return this.missions.update(this.scopes.require(caller, request, Action.CREATE), crewId, missionId,
				object(body));
	}

	@DeleteMapping(MISSION)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		this.missions.delete(this.scopes.require(caller, request, Action.CREATE), crewId, missionId);
	}

	@PostMapping(MISSION + "/start")
	LifecycleView start(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.missions.start(this.scopes.require(caller, request, Action.CREATE), crewId, missionId);
	}

	@PostMapping(MISSION + "/restart")
	LifecycleView restart(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.missions.restart(this.scopes.require(caller, request, Action.CREATE), crewId, missionId);
	}

	@PostMapping(MISSION + "/resume")
	LifecycleView resume(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.missions.resume(this.scopes.require(caller, request, Action.CREATE), crewId, missionId);
	}

	@PostMapping(MISSION + "/clone")
	@ResponseStatus(HttpStatus.CREATED)
	LifecycleView cloneMission(@PathVariable String crewId, @PathVariable String missionId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.missions.cloneMission(this.scopes.require(caller, request, Action.CREATE), crewId, missionId);
	}

	@PostMapping(MISSION + "/tasks")
	@ResponseStatus(HttpStatus.CREATED)
	TaskView createTask(@PathVariable String crewId, @PathVariable String missionId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller, HttpServletRequest request) {
		return this.missions.createTask(this.scopes.require(caller, request, Action.CREATE), crewId, missionId,
				object(body));
	}

	@PatchMapping(MISSION + "/tasks/{taskId}")
	TaskView updateTask(@PathVariable String crewId, @PathVariable String missionId, @PathVariable String taskId,
			@RequestBody(required = false) JsonNode body, IdentityAssertion caller, HttpServletRequest request) {
		return this.missions.updateTask(this.scopes.require(caller, request, Action.CREATE), crewId, missionId, taskId,
				object(body));
	}

	private static JsonNode object(JsonNode body) {
		if (body == null || !body.isObject()) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		return body;
	}

}
