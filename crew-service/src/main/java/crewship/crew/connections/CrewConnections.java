package crewship.crew.connections;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Crew connections (crews.mdx "Connections"): which crews of one workspace may hand each
 * other work, messages and files. One row per unordered pair (a unique index on it), so
 * create is an upsert on the pair. Both crews are looked up in the caller's workspace: a
 * crew of another workspace is "not found", and a link across workspaces cannot exist.
 */
@Service
public class CrewConnections {

	static final Set<String> DIRECTIONS = Set.of("bidirectional", "unidirectional");

	static final int MAX_LISTED = 500;

	private final JdbcClient jdbc;

	private final CrewService crews;

	private final Changes changes;

	CrewConnections(JdbcClient jdbc, CrewService crews, Changes changes) {
		this.jdbc = jdbc;
		this.crews = crews;
		this.changes = changes;
	}

	record Connection(String id, String workspaceId, String fromCrewId, String fromCrewName, String fromCrewSlug,
			String toCrewId, String toCrewName, String toCrewSlug, String direction, String status, Instant createdAt,
			Instant updatedAt) {
	}

	/** The result of a create: the link's id and whether it is new. */
	record Upserted(String id, boolean created) {
	}

	/** Links between live crews only (a soft-deleted crew's are never listed). */
	@Transactional(readOnly = true)
	List<Connection> list(Scope scope) {
		return this.jdbc.sql("""
				select l.id, l.workspace_id, l.from_crew_id, f.name, f.slug, l.to_crew_id, t.name, t.slug, l.direction,
				       l.status, l.created_at, l.updated_at
				  from crew_connection l
				  join crew f on f.id = l.from_crew_id and f.deleted_at is null
				  join crew t on t.id = l.to_crew_id and t.deleted_at is null
				 where l.workspace_id = :ws
				 order by l.created_at, l.id limit :limit
				""")
			.param("ws", scope.workspaceId())
			.param("limit", MAX_LISTED)
			.query((rs, n) -> new Connection(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
					rs.getString(10), rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant()))
			.list();
	}

	/**
	 * Links the pair. The same orientation takes the new direction; the reverse one makes
	 * the link bidirectional.
	 * @throws ProblemException 400 for missing or equal crews or a bad direction, 404 for
	 * a crew not in the workspace
	 */
	@Transactional
	Upserted connect(Scope scope, String fromRef, String toRef, String requestedDirection) {
		if (fromRef == null || fromRef.isBlank() || toRef == null || toRef.isBlank()) {
			throw ProblemException.badRequest("from_crew_id and to_crew_id are required");
		}
		String direction = (requestedDirection == null || requestedDirection.isBlank()) ? "bidirectional"
				: requestedDirection.trim();
		if (!DIRECTIONS.contains(direction)) {
			throw ProblemException.badRequest("direction must be bidirectional or unidirectional");
		}
		Crew from = this.crews.find(scope.workspaceId(), fromRef);
		Crew to = this.crews.find(scope.workspaceId(), toRef);
		if (from.getId().equals(to.getId())) {
			throw ProblemException.badRequest("A crew cannot be connected to itself");
		}
		Upserted result = existing(scope, from, to, direction);
		if (result == null) {
			String id = Cuid.next();
			Timestamp now = Timestamp.from(Timestamps.now());
			try {
				this.jdbc.sql("""
						insert into crew_connection (id, workspace_id, from_crew_id, to_crew_id, direction, status,
						                             created_at, updated_at)
						values (:id, :ws, :from, :to, :direction, 'active', :now, :now)
						""")
					.param("id", id)
					.param("ws", scope.workspaceId())
					.param("from", from.getId())
					.param("to", to.getId())
					.param("direction", direction)
					.param("now", now)
					.update();
			}
			catch (DuplicateKeyException ex) {
				throw ProblemException.conflict("The crews were linked at the same time; retry");
			}
			result = new Upserted(id, true);
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", result.id());
		data.put("from_crew_id", from.getId());
		data.put("to_crew_id", to.getId());
		data.put("direction", direction);
		this.changes.record(result.created() ? "crew_connection.created" : "crew_connection.updated",
				scope.workspaceId(), "crew_connection", result.id(), scope.userId(), data);
		return result;
	}

	private Upserted existing(Scope scope, Crew from, Crew to, String direction) {
		List<String[]> rows = this.jdbc.sql("""
				select id, from_crew_id from crew_connection
				 where least(from_crew_id, to_crew_id) = least(:a, :b)
				   and greatest(from_crew_id, to_crew_id) = greatest(:a, :b)
				 for update
				""")
			.param("a", from.getId())
			.param("b", to.getId())
			.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) })
			.list();
		if (rows.isEmpty()) {
			return null;
		}
		String id = rows.get(0)[0];
		boolean sameOrientation = rows.get(0)[1].equals(from.getId());
		this.jdbc.sql("update crew_connection set direction = :direction, updated_at = :now where id = :id")
			.param("direction", sameOrientation ? direction : "bidirectional")
			.param("now", Timestamp.from(Timestamps.now()))
			.param("id", id)
			.update();
		return new Upserted(id, false);
	}

	@Transactional
	void disconnect(Scope scope, String id) {
		int deleted = this.jdbc.sql("delete from crew_connection where id = :id and workspace_id = :ws")
			.param("id", id)
			.param("ws", scope.workspaceId())
			.update();
		if (deleted == 0) {
			throw ProblemException.notFound("Connection not found");
		}
		this.changes.record("crew_connection.deleted", scope.workspaceId(), "crew_connection", id, scope.userId(),
				Map.of("id", id));
	}

	/**
	 * Whether {@code fromCrewId} may hand work to {@code toCrewId}: a link in that
	 * direction, or a bidirectional one (for cross-crew assignment and messages).
	 */
	@Transactional(readOnly = true)
	public boolean allows(String workspaceId, String fromCrewId, String toCrewId) {
		return this.jdbc.sql("""
				select count(*) from crew_connection
				 where workspace_id = :ws and status = 'active'
				   and ((from_crew_id = :from and to_crew_id = :to)
				     or (from_crew_id = :to and to_crew_id = :from and direction = 'bidirectional'))
				""")
			.param("ws", workspaceId)
			.param("from", fromCrewId)
			.param("to", toCrewId)
			.query(Long.class)
			.single() > 0;
	}

}
