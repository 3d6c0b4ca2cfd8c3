package crewship.auth.workspaces;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.license.Licenses;
import crewship.auth.users.UserRepository;
import crewship.platform.events.DomainEvents;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Workspaces and their members. auth-service owns memberships, so its access checks read
 * the membership table itself (read-your-writes), not a replica.
 */
@Service
public class WorkspaceService {

	static final int MAX_LISTED = 100;

	/** Member lists are bounded too; a workspace larger than this pages through audit. */
	static final int MAX_MEMBERS = 1000;

	private final WorkspaceRepository workspaces;

	private final WorkspaceMemberRepository members;

	private final UserRepository users;

	private final Memberships memberships;

	private final DomainEvents events;

	private final WorkspaceAccess access;

	private final Licenses licenses;

	WorkspaceService(WorkspaceRepository workspaces, WorkspaceMemberRepository members, UserRepository users,
			Memberships memberships, DomainEvents events, WorkspaceAccess access, Licenses licenses) {
		this.licenses = licenses;
		this.workspaces = workspaces;
		this.members = members;
		this.users = users;
		this.memberships = memberships;
		this.events = events;
		this.access = access;
	}

	/** A workspace with the caller's role in it. */
	public record Membered(Workspace workspace, WorkspaceRole role, SortedSet<String> capabilities, long memberCount) {
	}

	private Membered membered(Workspace workspace, String userId) {
		WorkspaceMember member = this.members.findByWorkspaceIdAndUserId(workspace.getId(), userId).orElse(null);
		return new Membered(workspace, (member != null) ? member.getRole() : null,
				(member != null) ? Capabilities.resolve(member.getRole(), member.getCapabilities()) : new TreeSet<>(),
				this.members.countByWorkspaceId(workspace.getId()));
	}

	@Transactional
	public Workspace create(String ownerId, String name, String slug, String preferredLanguage) {
		if (this.workspaces.existsBySlugAndDeletedAtIsNull(slug)) {
			throw ProblemException.conflict("Workspace slug '" + slug + "' is already taken");
		}
		Workspace workspace = this.workspaces.saveAndFlush(new Workspace(name, slug, preferredLanguage));
		long version = this.memberships.nextVersion();
		this.members.save(new WorkspaceMember(workspace.getId(), ownerId, WorkspaceRole.OWNER, version));
		this.events.publish("workspace.created", workspace.getId(), workspace.getId(), ownerId,
				Map.of("id", workspace.getId(), "slug", slug, "name", name));
		this.memberships.changed(workspace.getId(), ownerId, WorkspaceRole.OWNER,
				Capabilities.resolve(WorkspaceRole.OWNER, null), version, ownerId, "member.added");
		return workspace;
	}

	@Transactional(readOnly = true)
	public List<Membered> list(String userId) {
		return this.workspaces.findForUser(userId, Limit.of(MAX_LISTED))
			.stream()
			.map(workspace -> membered(workspace, userId))
			.toList();
	}

	@Transactional(readOnly = true)
	public Membered get(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.READ);
		return membered(live(workspaceId), caller.subject());
	}

	@Transactional
	public Membered update(IdentityAssertion caller, String workspaceId, WorkspaceChanges changes) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		Workspace workspace = live(workspaceId);
		if (changes.slug() != null && !changes.slug().equals(workspace.getSlug())
				&& this.workspaces.existsBySlugAndDeletedAtIsNull(changes.slug())) {
			throw ProblemException.conflict("Workspace slug '" + changes.slug() + "' is already taken");
		}
		workspace.update(changes);
		this.workspaces.flush();
		this.events.publish("workspace.updated", workspaceId, workspaceId, caller.subject(),
				Map.of("id", workspaceId, "slug", workspace.getSlug(), "name", workspace.getName()));
		return membered(workspace, caller.subject());
	}

	/** When the workspace finished onboarding, if it did; any member may ask. */
	@Transactional(readOnly = true)
	public Optional<Instant> onboardingCompletedAt(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.READ);
		return Optional.ofNullable(live(workspaceId).getOnboardingCompletedAt());
	}

	/** Marks onboarding complete (idempotent); OWNER/ADMIN only. */
	@Transactional
	public void completeOnboarding(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		Workspace workspace = live(workspaceId);
		if (workspace.completeOnboarding()) {
			this.workspaces.flush();
			this.events.publish("workspace.onboarding_completed", workspaceId, workspaceId, caller.subject(),
					Map.of("id", workspaceId));
		}
	}

	@Transactional
	public void delete(IdentityAssertion caller, String workspaceId, String confirmSlug) {
		WorkspaceRole role = this.access.require(caller, workspaceId, Action.MANAGE);
		if (role != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only the workspace OWNER may delete it");
		}
		Workspace workspace = live(workspaceId);
		if (!workspace.getSlug().equals(confirmSlug)) {
			throw ProblemException.badRequest("confirm_slug must equal the workspace slug");
		}
		if (this.members.countByUserId(caller.subject()) <= 1) {
			throw ProblemException.conflict("This is your only workspace; deleting it would orphan you");
		}
		workspace.markDeleted();
		for (WorkspaceMember member : this.members.findByWorkspaceIdOrderByCreatedAtAsc(workspaceId,
				Limit.unlimited())) {
			this.members.delete(member);
			this.memberships.changed(workspaceId, member.getUserId(), null, new TreeSet<>(),
					this.memberships.nextVersion(), caller.subject(), "member.removed");
		}
		this.events.publish("workspace.deleted", workspaceId, workspaceId, caller.subject(),
				Map.of("id", workspaceId, "slug", workspace.getSlug()));
	}

	@Transactional(readOnly = true)
	public List<WorkspaceMember> members(IdentityAssertion caller, String workspaceId) {
		this.access.require(caller, workspaceId, Action.READ);
		return this.members.findByWorkspaceIdOrderByCreatedAtAsc(workspaceId, Limit.of(MAX_MEMBERS));
	}

	@Transactional
	public WorkspaceMember addMember(IdentityAssertion caller, String workspaceId, String userId, WorkspaceRole role) {
		WorkspaceRole callerRole = this.access.require(caller, workspaceId, Action.MANAGE);
		requireMemberRoom(workspaceId);
		if (role == WorkspaceRole.OWNER) {
			throw ProblemException.badRequest("role: OWNER cannot be assigned");
		}
		if (role == WorkspaceRole.ADMIN && callerRole != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only an OWNER may add an ADMIN");
		}
		if (!this.users.existsById(userId)) {
			throw ProblemException.notFound("User not found");
		}
		if (this.members.findByWorkspaceIdAndUserId(workspaceId, userId).isPresent()) {
			throw ProblemException.conflict("The user is already a member");
		}
		return join(workspaceId, userId, role, caller.subject());
	}

	/**
	 * Adds a member without an access check, for flows that already decided (a redeemed
	 * invitation). Part of the caller's transaction.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public WorkspaceMember join(String workspaceId, String userId, WorkspaceRole role, String actor) {
		long version = this.memberships.nextVersion();
		WorkspaceMember member = this.members.saveAndFlush(new WorkspaceMember(workspaceId, userId, role, version));
		this.memberships.changed(workspaceId, userId, role, member.resolvedCapabilities(), version, actor,
				"member.added");
		return member;
	}

	/**
	 * @return whether a live workspace has a member with this email address
	 */
	@Transactional(readOnly = true)
	public boolean hasMemberWithEmail(String workspaceId, String email) {
		return this.users.findByEmail(email)
			.flatMap(user -> this.members.findByWorkspaceIdAndUserId(workspaceId, user.getId()))
			.isPresent();
	}

	@Transactional
	public void removeMember(IdentityAssertion caller, String workspaceId, String memberId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		WorkspaceMember member = this.members.lockMember(workspaceId, memberId)
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		if (member.getRole() == WorkspaceRole.OWNER) {
			if (isLastOwner(workspaceId)) {
				throw ProblemException.conflict("The last OWNER cannot be removed");
			}
			throw ProblemException.forbidden("An OWNER cannot be removed");
		}
		this.members.delete(member);
		this.memberships.changed(workspaceId, member.getUserId(), null, new TreeSet<>(), this.memberships.nextVersion(),
				caller.subject(), "member.removed");
	}

	@Transactional
	public WorkspaceMember changeRole(IdentityAssertion caller, String workspaceId, String memberId,
			WorkspaceRole role) {
		WorkspaceRole callerRole = this.access.require(caller, workspaceId, Action.CREATE);
		WorkspaceMember member = this.members.lockMember(workspaceId, memberId)
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		if (member.getRole().ordinal() < callerRole.ordinal()) {
			throw ProblemException.forbidden("You may not change a member ranked above you");
		}
		if (member.getRole() == WorkspaceRole.OWNER && role != WorkspaceRole.OWNER && isLastOwner(workspaceId)) {
			throw ProblemException.conflict("The last OWNER cannot be demoted");
		}
		if (role.ordinal() <= callerRole.ordinal()) {
			throw ProblemException.forbidden("You may only grant a role below your own (" + callerRole + ")");
		}
		long version = this.memberships.nextVersion();
		member.changeRole(role, version);
		this.members.flush();
		// the record carries the new role's effective set (a member on the role fallback
		// changes capabilities with it)
		this.memberships.changed(workspaceId, member.getUserId(), role, member.resolvedCapabilities(), version,
				caller.subject(), "member.role_changed");
		return member;
	}

	/** For other services' replicas (read-your-writes right after a change). */
	@Transactional(readOnly = true)
	public Optional<WorkspaceMember> membership(String workspaceId, String userId) {
		return this.members.findByWorkspaceIdAndUserId(workspaceId, userId)
			.filter(member -> this.workspaces.findLive(workspaceId).isPresent());
	}

	/**
	 * @throws ProblemException 402 when the license's member cap is reached
	 */
	public void requireMemberRoom(String workspaceId) {
		this.licenses.requireMemberRoom(this.members.countByWorkspaceId(workspaceId), 1);
	}

	private boolean isLastOwner(String workspaceId) {
		return this.members.lockByRole(workspaceId, WorkspaceRole.OWNER).size() <= 1;
	}

	private Workspace live(String workspaceId) {
		return this.workspaces.findLive(workspaceId)
			.orElseThrow(() -> ProblemException.notFound("Workspace not found"));
	}

}
