package crewship.auth.workspaces;

import java.util.Map;

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

	@Transactional(propagation = Propagation.MANDATORY)
	void changed(String workspaceId, String userId, WorkspaceRole role, long version, String actor,
			String domainEvent) {
		this.events.publishTo(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId,
				userId, actor, new Membership(workspaceId, userId, role, version));
		this.audit.record(new AuditRecord(workspaceId, actor, domainEvent, "workspace_member", userId,
				Map.of("role", (role != null) ? role.name() : "NONE"), null, null));
		this.events.publish(domainEvent, workspaceId, workspaceId, actor,
				Map.of("workspace_id", workspaceId, "user_id", userId, "role", (role != null) ? role.name() : "NONE"));
	}

}
