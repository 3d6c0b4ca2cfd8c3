package crewship.auth.invitations;

import java.util.List;
import java.util.Map;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.users.User;
import crewship.auth.workspaces.WorkspaceService;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Invitations by email. They are redeemed when the invited address signs up, inside the
 * signup transaction; an invitation for an address that already has an account stays
 * pending (adding someone who never consented is not redemption).
 */
@Service
public class InvitationService {

	private final InvitationRepository invitations;

	private final WorkspaceService workspaces;

	private final WorkspaceAccess access;

	private final AuditTrail audit;

	InvitationService(InvitationRepository invitations, WorkspaceService workspaces, WorkspaceAccess access,
			AuditTrail audit) {
		this.invitations = invitations;
		this.workspaces = workspaces;
		this.access = access;
		this.audit = audit;
	}

	/**
	 * An invitation just issued, with its token: the only time the token exists outside
	 * the link.
	 */
	public record Issued(Invitation invitation, String token) {
	}

	@Transactional
	public Issued invite(IdentityAssertion caller, String workspaceId, String email, WorkspaceRole role) {
		WorkspaceRole callerRole = this.access.require(caller, workspaceId, Action.MANAGE);
		this.workspaces.requireMemberRoom(workspaceId);
		if (role == WorkspaceRole.OWNER) {
			throw ProblemException.badRequest("role: OWNER cannot be assigned");
		}
		if (role == WorkspaceRole.ADMIN && callerRole != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only an OWNER may invite an ADMIN");
		}
		if (this.workspaces.hasMemberWithEmail(workspaceId, email)) {
			throw ProblemException.conflict("That address belongs to a member already");
		}
		if (this.invitations.existsLive(workspaceId, email, Timestamps.now())) {
			throw ProblemException.conflict("There is already a pending invitation for that address");
		}
		String token = Secrets.randomHex(32);
		Invitation invitation = this.invitations
			.save(new Invitation(workspaceId, email, role, caller.subject(), Secrets.sha256Hex(token)));
		this.audit.record(new AuditRecord(workspaceId, caller.subject(), "invitation.create", "invitation",
				invitation.getId(), Map.of("role", role.name()), null, null));
		return new Issued(invitation, token);
	}

	@Transactional(readOnly = true)
	public List<Invitation> pending(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		return this.invitations.findPending(workspaceId, Timestamps.now(), Limit.of(100));
	}

	/** Called by signup, in its transaction, for the account it just created. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void redeemFor(User user) {
		for (Invitation invitation : this.invitations.findLiveFor(user.getEmail(), Timestamps.now())) {
			this.workspaces.join(invitation.getWorkspaceId(), user.getId(), invitation.getRole(),
					invitation.getInvitedBy());
			invitation.accept();
			this.audit.record(new AuditRecord(invitation.getWorkspaceId(), user.getId(), "invitation.accept",
					"invitation", invitation.getId(), Map.of("role", invitation.getRole().name()), null, null));
		}
	}

}
