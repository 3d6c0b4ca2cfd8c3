package crewship.platform.membership;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
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
	 * One replica row and whether its capabilities are known: a row written before
	 * capabilities were replicated holds none, though the member may.
	 */
	record Stored(Membership membership, boolean capabilitiesKnown) {
	}

	/**
	 * @return the known state of the membership (with a null role once removed), or empty
	 * if never seen
	 */
	public Optional<Membership> find(String workspaceId, String userId) {
		return stored(workspaceId, userId).map(Stored::membership);
	}

	Optional<Stored> stored(String workspaceId, String userId) {
		List<Stored> rows = this.jdbc.query(
				"select role, version, capabilities from platform_workspace_membership where workspace_id = ? and user_id = ?",
				(rs, n) -> {
					List<String> capabilities = capabilities(rs);
					return new Stored(new Membership(workspaceId, userId,
							(rs.getString(1) != null) ? WorkspaceRole.valueOf(rs.getString(1)) : null, rs.getLong(2),
							capabilities), capabilities != null);
				}, workspaceId, userId);
		return rows.stream().findFirst();
	}

	private static List<String> capabilities(ResultSet rs) throws SQLException {
		Array array = rs.getArray(3);
		if (array == null) {
			return null;
		}
		try {
			return Arrays.asList((String[]) array.getArray());
		}
		finally {
			array.free();
		}
	}

	/**
	 * Applies a newer version; the same version also fills in the capabilities of a row
	 * that predates them (the answer auth-service gives for the row's current state).
	 * @return whether the replica changed (false for a stale or repeated version)
	 */
	public boolean apply(Membership membership) {
		return this.jdbc.update(connection -> {
			var statement = connection.prepareStatement(
					"""
							insert into platform_workspace_membership (workspace_id, user_id, role, version, capabilities, updated_at)
							values (?, ?, ?, ?, ?, now())
							on conflict (workspace_id, user_id) do update
							   set role = excluded.role, version = excluded.version,
							       capabilities = excluded.capabilities, updated_at = now()
							 where platform_workspace_membership.version < excluded.version
							    or (platform_workspace_membership.capabilities is null
							        and platform_workspace_membership.version = excluded.version)
							""");
			statement.setString(1, membership.workspaceId());
			statement.setString(2, membership.userId());
			statement.setString(3, (membership.role() != null) ? membership.role().name() : null);
			statement.setLong(4, membership.version());
			statement.setArray(5, connection.createArrayOf("text", membership.capabilities().toArray()));
			return statement;
		}) == 1;
	}

}
