package crewship.platform.membership;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This service's copy of workspace memberships, fed by {@code crewship.memberships.v1}.
 * Writes are version-guarded upserts, so replays and out-of-order deliveries converge on
 * the newest state.
 */
public class MembershipReplica {

	private final JdbcTemplate jdbc;

	public MembershipReplica(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * @return the known state of the membership (with a null role once removed), or empty
	 * if never seen
	 */
	public Optional<Membership> find(String workspaceId, String userId) {
		List<Membership> rows = this.jdbc.query(
				"select role, version from platform_workspace_membership where workspace_id = ? and user_id = ?",
				(rs, n) -> new Membership(workspaceId, userId,
						(rs.getString(1) != null) ? WorkspaceRole.valueOf(rs.getString(1)) : null, rs.getLong(2)),
				workspaceId, userId);
		return rows.stream().findFirst();
	}

	/**
	 * @return whether the replica changed (false for a stale or repeated version)
	 */
	public boolean apply(Membership membership) {
		return this.jdbc.update("""
				insert into platform_workspace_membership (workspace_id, user_id, role, version, updated_at)
				values (?, ?, ?, ?, now())
				on conflict (workspace_id, user_id) do update
				   set role = excluded.role, version = excluded.version, updated_at = now()
				 where platform_workspace_membership.version < excluded.version
				""", membership.workspaceId(), membership.userId(),
				(membership.role() != null) ? membership.role().name() : null, membership.version()) == 1;
	}

}
