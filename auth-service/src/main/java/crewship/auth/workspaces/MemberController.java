package crewship.auth.workspaces;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;

@RestController
class MemberController {

	private final WorkspaceService workspaces;

	private final UserRepository users;

	private final MemberProvisioning provisioning;

	MemberController(WorkspaceService workspaces, UserRepository users, MemberProvisioning provisioning) {
		this.workspaces = workspaces;
		this.users = users;
		this.provisioning = provisioning;
	}

	record ProvisionMember(@NotBlank @Email @Size(max = 254) String email, WorkspaceRole role,
			@Size(max = 100) String fullName) {
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/members/provision")
	@ResponseStatus(HttpStatus.CREATED)
	MemberProvisioning.Provisioned provision(@PathVariable String workspaceId,
			@Valid @RequestBody ProvisionMember request, IdentityAssertion caller) {
		return this.provisioning.provision(caller, workspaceId, request.email(),
				(request.role() != null) ? request.role() : WorkspaceRole.MEMBER, request.fullName());
	}

	record AddMember(@NotBlank String userId, WorkspaceRole role) {
	}

	record ChangeRole(@NotNull WorkspaceRole role) {
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/members")
	List<Map<String, Object>> list(@PathVariable String workspaceId, IdentityAssertion caller) {
		List<WorkspaceMember> members = this.workspaces.members(caller, workspaceId);
		Map<String, User> byId = new LinkedHashMap<>();
		this.users.findAllById(members.stream().map(WorkspaceMember::getUserId).toList())
			.forEach(user -> byId.put(user.getId(), user));
		return members.stream().map(member -> view(member, byId.get(member.getUserId()))).toList();
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/members")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> add(@PathVariable String workspaceId, @Valid @RequestBody AddMember request,
			IdentityAssertion caller) {
		WorkspaceRole role = (request.role() != null) ? request.role() : WorkspaceRole.MEMBER;
		WorkspaceMember member = this.workspaces.addMember(caller, workspaceId, request.userId(), role);
		return view(member, this.users.findById(member.getUserId()).orElse(null));
	}

	@DeleteMapping("/api/v1/workspaces/{workspaceId}/members/{memberId}")
	Map<String, Object> remove(@PathVariable String workspaceId, @PathVariable String memberId,
			IdentityAssertion caller) {
		this.workspaces.removeMember(caller, workspaceId, memberId);
		return Map.of("success", true);
	}

	@PatchMapping("/api/v1/workspaces/{workspaceId}/members/{memberId}")
	Map<String, Object> changeRole(@PathVariable String workspaceId, @PathVariable String memberId,
			@Valid @RequestBody ChangeRole request, IdentityAssertion caller) {
		WorkspaceMember member = this.workspaces.changeRole(caller, workspaceId, memberId, request.role());
		return Map.of("status", "updated", "member_id", member.getId(), "role", member.getRole().name());
	}

	private static Map<String, Object> view(WorkspaceMember member, User user) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", member.getId());
		view.put("workspace_id", member.getWorkspaceId());
		view.put("user_id", member.getUserId());
		view.put("role", member.getRole().name());
		view.put("created_at", member.getCreatedAt().toString());
		view.put("updated_at", member.getUpdatedAt().toString());
		if (user != null) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("id", user.getId());
			summary.put("email", user.getEmail());
			summary.put("full_name", user.getFullName());
			summary.put("avatar_url", user.avatarUrl());
			view.put("user", summary);
			view.put("email", user.getEmail());
			view.put("user_name", user.getFullName());
		}
		return view;
	}

}
