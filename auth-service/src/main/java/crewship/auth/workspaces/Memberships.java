package crewship.auth.workspaces;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.events.Topics;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Every membership change, written with the change: the compacted
 * {@code crewship.memberships.v1} record every service's replica reads, and the member
 * event on auth's domain topic.
 */
@Component
public class Memberships {

	private final WorkspaceMemberRepository members;

	private final DomainEvents events;

	private final AuditTrail audit;

	private final UserRepository users;

	Memberships(WorkspaceMemberRepository members, DomainEvents events, AuditTrail audit, UserRepository users) {
		this.members = members;
		this.events = events;
		this.audit = audit;
		this.users = users;
	}

	/**
	 * The replicated record: the platform's {@link Membership} and the member's display
	 * name, so services that show who did what (issue-service's assignees, comment
	 * authors) keep names locally instead of asking per row. Readers that know only
	 * {@link Membership} ignore {@code name}.
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ReplicatedMembership(String workspaceId, String userId, WorkspaceRole role, long version,
			List<String> capabilities, String name) {
	}

	/**
	 * A member renamed themselves: their memberships are published again with the new
	 * name (same version: role and capabilities did not change, so replicas keep their
	 * rows).
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void renamed(User user) {
		for (WorkspaceMember member : this.members.findByUserId(user.getId())) {
			if (member.getRole() != null) {
				this.events.publishTo(Topics.MEMBERSHIPS, Membership.key(member.getWorkspaceId(), user.getId()),
						Membership.CHANGED, member.getWorkspaceId(), user.getId(), user.getId(),
						new ReplicatedMembership(member.getWorkspaceId(), user.getId(), member.getRole(),
								member.getEventVersion(), List.copyOf(member.resolvedCapabilities()),
								user.getFullName()));
			}
		}
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
		String name = this.users.findById(userId).map(User::getFullName).orElse(null);
		this.events.publishTo(Topics.MEMBERSHIPS, Membership.key(workspaceId, userId), Membership.CHANGED, workspaceId,
				userId, actor, new ReplicatedMembership(workspaceId, userId, role, version,
						(role != null) ? List.copyOf(capabilities) : List.of(), name));
	}

}
