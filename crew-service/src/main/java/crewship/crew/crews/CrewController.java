package crewship.crew.crews;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.crews.CrewRequests.AddMember;
import crewship.crew.crews.CrewRequests.ChangeMemberRole;
import crewship.crew.crews.CrewRequests.CreateCrew;
import crewship.crew.crews.CrewRequests.SetPersona;
import crewship.crew.crews.CrewRequests.SetPolicy;
import crewship.crew.crews.CrewRequests.UpdateCrew;
import crewship.crew.crews.CrewService.MemberView;
import crewship.crew.crews.CrewService.PolicyView;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/**
 * {@code /api/v1/crews/**} and {@code /api/v1/policies}: crews, their roster, persona,
 * policy and container runtime. {@code {crewId}} takes an id or a slug.
 */
@RestController
class CrewController {

	private final CrewService crews;

	private final WorkspaceScope scopes;

	CrewController(CrewService crews, WorkspaceScope scopes) {
		this.crews = crews;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/crews")
	List<CrewView> list(@PageParams.Defaults(limit = 100) PageParams page, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.list(this.scopes.require(caller, request, Action.READ), page);
	}

	@PostMapping("/api/v1/crews")
	@ResponseStatus(HttpStatus.CREATED)
	CrewView create(@Valid @RequestBody CreateCrew body, IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.create(this.scopes.require(caller, request, Action.CREATE), body);
	}

	@GetMapping("/api/v1/crews/{crewId}")
	CrewView get(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.get(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@RequestMapping(path = "/api/v1/crews/{crewId}", method = { RequestMethod.PATCH, RequestMethod.PUT })
	CrewView update(@PathVariable String crewId, @Valid @RequestBody UpdateCrew body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.update(this.scopes.require(caller, request, Action.MANAGE), crewId, body);
	}

	@DeleteMapping("/api/v1/crews/{crewId}")
	Map<String, Object> delete(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		this.crews.delete(this.scopes.require(caller, request, Action.MANAGE), crewId);
		return Map.of("success", true);
	}

	@GetMapping("/api/v1/crews/{crewId}/members")
	List<MemberView> members(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.members(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PostMapping("/api/v1/crews/{crewId}/members")
	@ResponseStatus(HttpStatus.CREATED)
	MemberView addMember(@PathVariable String crewId, @Valid @RequestBody AddMember body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.addMember(this.scopes.require(caller, request, Action.CREATE), crewId, body.userId(),
				body.role());
	}

	/** Workspace OWNER/ADMIN only: a per-crew ADMIN must not ladder anyone up. */
	@PatchMapping("/api/v1/crews/{crewId}/members/{memberId}")
	Map<String, Object> changeMemberRole(@PathVariable String crewId, @PathVariable String memberId,
			@RequestBody ChangeMemberRole body, IdentityAssertion caller, HttpServletRequest request) {
		String role = this.crews.changeMemberRole(this.scopes.require(caller, request, Action.MANAGE), crewId, memberId,
				body.role());
		return Map.of("status", "updated", "role", role);
	}

	@DeleteMapping("/api/v1/crews/{crewId}/members/{memberId}")
	Map<String, Object> removeMember(@PathVariable String crewId, @PathVariable String memberId,
			IdentityAssertion caller, HttpServletRequest request) {
		this.crews.removeMember(this.scopes.require(caller, request, Action.MANAGE), crewId, memberId);
		return Map.of("success", true);
	}

	@GetMapping("/api/v1/crews/{crewId}/persona")
	Map<String, Object> persona(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.persona(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PutMapping("/api/v1/crews/{crewId}/persona")
	Map<String, Object> setPersona(@PathVariable String crewId, @Valid @RequestBody SetPersona body,
			IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.setPersona(this.scopes.require(caller, request, Action.CREATE), crewId, body.content());
	}

	@DeleteMapping("/api/v1/crews/{crewId}/persona")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void resetPersona(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		this.crews.resetPersona(this.scopes.require(caller, request, Action.CREATE), crewId);
	}

	@GetMapping("/api/v1/crews/{crewId}/policy")
	PolicyView policy(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.policy(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PutMapping("/api/v1/crews/{crewId}/policy")
	PolicyView setPolicy(@PathVariable String crewId, @RequestBody SetPolicy body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.setPolicy(this.scopes.require(caller, request, Action.CREATE), crewId, body);
	}

	@GetMapping("/api/v1/policies")
	List<PolicyView> policies(IdentityAssertion caller, HttpServletRequest request) {
		return this.crews.policies(this.scopes.require(caller, request, Action.READ));
	}

	@PostMapping("/api/v1/crews/{crewId}/container-start")
	Map<String, Object> startContainer(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.startContainer(this.scopes.require(caller, request, Action.CREATE), crewId);
	}

	@PostMapping("/api/v1/crews/{crewId}/container-stop")
	Map<String, Object> stopContainer(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.stopContainer(this.scopes.require(caller, request, Action.CREATE), crewId);
	}

	@GetMapping("/api/v1/crews/{crewId}/container-status")
	Map<String, Object> containerStatus(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.crews.containerStatus(this.scopes.require(caller, request, Action.READ), crewId);
	}

}
