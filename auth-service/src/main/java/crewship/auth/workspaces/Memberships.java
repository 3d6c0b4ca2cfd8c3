package crewship.auth.workspaces;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.events.Topics;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;

/**
 * Every membership change, written with the change: the compacted
 * {@code crewship.memberships.v1} record every service's replica reads, and the member
 * event on auth's domain topic.
 */
@Component
class Memberships {

	private final WorkspaceMemberRepository members;

	private final DomainEvents events;

	private final AuditTrail audit;

	Memberships(WorkspaceMemberRepository members, DomainEvents events, AuditTrail audit) {
		this.members = members;
		this.events = events;
		this.audit = audit;
	}

	/**
	 * The version the next event for a membership carries; take it after locking the row.
	 */
	long nextVersion() {
		return this.members.nextEventVersion();
	}

	/**
	 * A member joined, changed role or left ({@code role} null): the replicated record
	 * with the member's effective capabilities, the audit record and the domain event.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	void changed(String workspaceId, String userId, WorkspaceRole role, SortedSet<String> capabilities, long version,
			String actor, String domainEvent) {
		replicate(workspaceId, userId, role, capabilities, version, actor);
		this.audit.record(new AuditRecord(workspaceId, actor, domainEvent, "workspace_member", userId,
				Map.of("role", (role != null) ? role.name() : "NONE"), null, null));
		this.events.publish(domainEvent, workspaceId, workspaceId, actor,
				Map.of("workspace_id", workspaceId, "user_id", userId, "role", (role != null) ? role.name() : "NONE"));
	}

	/**
	 * Republishes a member whose capabilities changed (the caller records its own audit
	 * and domain event); take the version with {@link #nextVersion()} after locking.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	void capabilitiesChanged(WorkspaceMember member, String actor) {
		replicate(member.getWorkspaceId(), member.getUserId(), member.getRole(), member.resolvedCapabilities(),
				member.getEventVersion(), actor);
	}

	private void replicate(String workspaceId, String userId, WorkspaceRole role, SortedSet<String> capabilities,
			long version, String actor) {
		this.events.publishTo(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId,
				userId, actor, new Membership(workspaceId, userId, role, version,
						(role != null) ? List.copyOf(capabilities) : List.of()));
	}

}
