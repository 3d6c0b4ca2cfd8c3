package crewship.auth.workspaces;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Reading and changing members' capability sets. All of it is admin-gated: the sets
 * reveal the workspace's permission topology.
 */
@Service
public class MemberCapabilities {

	private final WorkspaceMemberRepository members;

	private final WorkspaceAccess access;

	private final DomainEvents events;

	private final AuditTrail audit;

	private final Memberships memberships;

	MemberCapabilities(WorkspaceMemberRepository members, WorkspaceAccess access, DomainEvents events, AuditTrail audit,
			Memberships memberships) {
		this.memberships = memberships;
		this.members = members;
		this.access = access;
		this.events = events;
		this.audit = audit;
	}

	/** One member's resolved set, as the endpoints show it. */
	public record Resolved(String userId, WorkspaceRole role, SortedSet<String> capabilities) {

		static Resolved of(WorkspaceMember member) {
			return new Resolved(member.getUserId(), member.getRole(), member.resolvedCapabilities());
		}

	}

	@Transactional(readOnly = true)
	public Resolved get(IdentityAssertion caller, String workspaceId, String userId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		return this.members.findByWorkspaceIdAndUserId(workspaceId, userId)
			.map(Resolved::of)
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
	}

	@Transactional(readOnly = true)
	public List<Resolved> all(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		return this.members.findByWorkspaceIdOrderByCreatedAtAsc(workspaceId, Limit.of(WorkspaceService.MAX_MEMBERS))
			.stream()
			.map(Resolved::of)
			.toList();
	}

	/**
	 * Changes a member's set and republishes their membership record (a new version) in
	 * the same transaction. {@code credentials:reveal} is OWNER business: a body that
	 * names it, or whose result adds or drops it, needs an OWNER caller.
	 */
	@Transactional
	public Resolved change(IdentityAssertion caller, String workspaceId, String userId, CapabilityChange change) {
		WorkspaceRole callerRole = this.access.require(caller, workspaceId, Action.MANAGE);
		if (caller.subject().equals(userId)) {
			throw ProblemException.forbidden("You cannot change your own capabilities");
		}
		WorkspaceMember member = this.members.lockByUser(workspaceId, userId)
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		if (member.getRole() == WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("An OWNER's capabilities cannot be changed");
		}
		SortedSet<String> current = member.resolvedCapabilities();
		SortedSet<String> next = change.applyTo(current);
		boolean touchesReveal = change.names(Capabilities.CREDENTIALS_REVEAL)
				|| current.contains(Capabilities.CREDENTIALS_REVEAL) != next.contains(Capabilities.CREDENTIALS_REVEAL);
		if (touchesReveal && callerRole != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only an OWNER may grant or revoke " + Capabilities.CREDENTIALS_REVEAL);
		}
		member.changeCapabilities(next.toArray(String[]::new), this.memberships.nextVersion());
		this.members.flush();
		Map<String, Object> data = Map.of("workspace_id", workspaceId, "user_id", userId, "capabilities",
				List.copyOf(next));
		this.audit.record(new AuditRecord(workspaceId, caller.subject(), "member.capabilities_changed",
				"workspace_member", userId, data, null, null));
		this.events.publish("member.capabilities_changed", workspaceId, workspaceId, caller.subject(), data);
		this.memberships.capabilitiesChanged(member, caller.subject());
		return Resolved.of(member);
	}

	/** The caller's own resolved set in a workspace they belong to (empty otherwise). */
	@Transactional(readOnly = true)
	public SortedSet<String> of(String workspaceId, String userId) {
		return this.members.findByWorkspaceIdAndUserId(workspaceId, userId)
			.map(member -> Capabilities.resolve(member.getRole(), member.getCapabilities()))
			.orElseGet(java.util.TreeSet::new);
	}

}
