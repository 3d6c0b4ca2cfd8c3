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

	MemberCapabilities(WorkspaceMemberRepository members, WorkspaceAccess access, DomainEvents events,
			AuditTrail audit) {
		this.members = members;
		this.access = access;
		this.events = events;
		this.audit = audit;
	}

	/** One member's resolved set, as the endpoints show it. */
	public record Resolved(String userId, WorkspaceRole role, SortedSet<String> capabilities) {

		static Resolved of(WorkspaceMember member) {
			return new Resolved(member.getUserId(), member.getRole(),
					Capabilities.resolve(member.getRole(), member.getCapabilities()));
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

	@Transactional
	public Resolved change(IdentityAssertion caller, String workspaceId, String userId, CapabilityChange change) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		if (caller.subject().equals(userId)) {
			throw ProblemException.forbidden("You cannot change your own capabilities");
		}
		WorkspaceMember member = this.members.lockByUser(workspaceId, userId)
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		if (member.getRole() == WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("An OWNER's capabilities cannot be changed");
		}
		SortedSet<String> next = change.applyTo(Capabilities.resolve(member.getRole(), member.getCapabilities()));
		member.changeCapabilities(next.toArray(String[]::new));
		this.members.flush();
		Map<String, Object> data = Map.of("workspace_id", workspaceId, "user_id", userId, "capabilities",
				List.copyOf(next));
		this.audit.record(new AuditRecord(workspaceId, caller.subject(), "member.capabilities_changed",
				"workspace_member", userId, data, null, null));
		this.events.publish("member.capabilities_changed", workspaceId, workspaceId, caller.subject(), data);
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
