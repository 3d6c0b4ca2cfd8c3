package crewship.auth.invitations;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;

@RestController
class InvitationController {

	private final InvitationService invitations;

	InvitationController(InvitationService invitations) {
		this.invitations = invitations;
	}

	record Invite(@NotBlank @Email @Size(max = 254) String email, WorkspaceRole role) {
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/invitations")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> invite(@PathVariable String workspaceId, @Valid @RequestBody Invite request,
			IdentityAssertion caller) {
		InvitationService.Issued issued = this.invitations.invite(caller, workspaceId, request.email(),
				(request.role() != null) ? request.role() : WorkspaceRole.MEMBER);
		Map<String, Object> view = view(issued.invitation());
		view.put("token", issued.token());
		return view;
	}

	/** Pending invitations; never their tokens (shown once, at creation). */
	@GetMapping("/api/v1/workspaces/{workspaceId}/invitations")
	List<Map<String, Object>> list(@PathVariable String workspaceId, IdentityAssertion caller) {
		return this.invitations.pending(caller, workspaceId).stream().map(InvitationController::view).toList();
	}

	private static Map<String, Object> view(Invitation invitation) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", invitation.getId());
		view.put("workspace_id", invitation.getWorkspaceId());
		view.put("email", invitation.getEmail());
		view.put("role", invitation.getRole().name());
		view.put("invited_by", invitation.getInvitedBy());
		view.put("status", (invitation.getAcceptedAt() != null) ? "accepted" : "pending");
		view.put("expires_at", invitation.getExpiresAt().toString());
		view.put("accepted_at", (invitation.getAcceptedAt() != null) ? invitation.getAcceptedAt().toString() : null);
		view.put("created_at", invitation.getCreatedAt().toString());
		return view;
	}

}
