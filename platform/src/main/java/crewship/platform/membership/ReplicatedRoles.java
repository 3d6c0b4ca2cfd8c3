package crewship.platform.membership;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import crewship.platform.web.ProblemException;

/**
 * Memberships from this service's replica; a membership it has never seen is asked of
 * auth-service once and kept (read-your-writes right after a workspace or member is
 * created). A row that predates replicated capabilities is refreshed the same way once.
 */
public class ReplicatedRoles implements WorkspaceAccess.Roles {

	private static final Logger log = LoggerFactory.getLogger(ReplicatedRoles.class);

	private final MembershipReplica replica;

	private final MembershipLookup lookup;

	public ReplicatedRoles(MembershipReplica replica, MembershipLookup lookup) {
		this.replica = replica;
		this.lookup = lookup;
	}

	@Override
	public WorkspaceRole roleOf(String workspaceId, String userId) {
		Membership membership = membershipOf(workspaceId, userId);
		return (membership != null) ? membership.role() : null;
	}

	@Override
	public Membership membershipOf(String workspaceId, String userId) {
		MembershipReplica.Stored stored = this.replica.stored(workspaceId, userId).orElse(null);
		if (stored == null) {
			Membership fetched = this.lookup.fetch(workspaceId, userId).orElse(null);
			if (fetched != null) {
				this.replica.apply(fetched);
			}
			return fetched;
		}
		if (!stored.capabilitiesKnown() && stored.membership().role() != null) {
			return refreshed(stored.membership());
		}
		return stored.membership();
	}

	/**
	 * The row's role stands either way; if auth-service cannot answer, its capabilities
	 * stay unknown and read as none (a capability gate fails closed, a role gate works).
	 */
	private Membership refreshed(Membership known) {
		try {
			Optional<Membership> fetched = this.lookup.fetch(known.workspaceId(), known.userId());
			if (fetched.isPresent()) {
				this.replica.apply(fetched.get());
			}
			else {
				// auth-service no longer knows the member; the removal event is on its
				// way
				this.replica.apply(new Membership(known.workspaceId(), known.userId(), null, known.version()));
			}
			return this.replica.find(known.workspaceId(), known.userId()).orElse(known);
		}
		catch (ProblemException ex) {
			log.debug("Capabilities of {} stay unknown for now", Membership.key(known.workspaceId(), known.userId()));
			return known;
		}
	}

}
