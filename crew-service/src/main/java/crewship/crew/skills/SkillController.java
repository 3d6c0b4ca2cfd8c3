package crewship.crew.skills;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.skills.SkillService.AssignmentView;
import crewship.crew.skills.SkillService.SkillView;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/**
 * The skill registry and per-agent skills. Import's page path is under
 * {@code /api/v1/workspaces/{id}/}, which the gateway routes to auth-service today: the
 * routing map needs a crew-service exception for it.
 */
@RestController
class SkillController {

	private final SkillService skills;

	private final WorkspaceScope scopes;

	SkillController(SkillService skills, WorkspaceScope scopes) {
		this.skills = skills;
		this.scopes = scopes;
	}

	record ImportSkill(@Size(max = 2048) String url, String content) {
	}

	record AssignSkill(@NotBlank String skillId, @Size(max = 64 * 1024) String config) {
	}

	@GetMapping("/api/v1/skills")
	List<SkillView> list(@PageParams.Defaults(limit = 50) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.skills.list(this.scopes.require(caller, request, Action.READ), page);
	}

	@GetMapping("/api/v1/skills/{skillId}")
	SkillView get(@PathVariable String skillId, IdentityAssertion caller, HttpServletRequest request) {
		return this.skills.get(this.scopes.require(caller, request, Action.READ), skillId);
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/skills/import")
	@ResponseStatus(HttpStatus.CREATED)
	SkillView importSkill(@PathVariable String workspaceId, @Valid @RequestBody ImportSkill body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.skills.importContent(this.scopes.require(caller, workspaceId, Action.CREATE), body.url(),
				body.content());
	}

	@GetMapping("/api/v1/agents/{agentId}/skills")
	List<AssignmentView> agentSkills(@PathVariable String agentId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.skills.agentSkills(this.scopes.require(caller, request, Action.READ), agentId);
	}

	/** 201 on a fresh assignment; 200 with {@code already_assigned} when it existed. */
	@PostMapping("/api/v1/agents/{agentId}/skills")
	ResponseEntity<Map<String, Object>> assign(@PathVariable String agentId, @Valid @RequestBody AssignSkill body,
			IdentityAssertion caller, HttpServletRequest request) {
		Map<String, Object> result = this.skills.assign(this.scopes.require(caller, request, Action.CREATE), agentId,
				body.skillId(), body.config());
		return ResponseEntity.status(result.containsKey("already_assigned") ? HttpStatus.OK : HttpStatus.CREATED)
			.body(result);
	}

	@DeleteMapping("/api/v1/agents/{agentId}/skills/{skillId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void unassign(@PathVariable String agentId, @PathVariable String skillId, IdentityAssertion caller,
			HttpServletRequest request) {
		this.skills.unassign(this.scopes.require(caller, request, Action.CREATE), agentId, skillId);
	}

}
