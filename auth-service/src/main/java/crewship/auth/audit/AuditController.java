package crewship.auth.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/audit}: a workspace's audit trail, newest first, for ADMIN and
 * OWNER.
 */
@RestController
class AuditController {

	private static final int DEFAULT_LIMIT = 50;

	private final JdbcTemplate jdbc;

	private final WorkspaceAccess access;

	AuditController(JdbcTemplate jdbc, WorkspaceAccess access) {
		this.jdbc = jdbc;
		this.access = access;
	}

	@GetMapping("/api/v1/audit")
	Map<String, Object> list(@RequestParam(name = "workspace_id", required = false) String workspaceId,
			@RequestParam(defaultValue = "1") int page, @RequestParam(defaultValue = "50") int limit,
			@RequestParam(required = false) String action,
			@RequestParam(name = "entity_type", required = false) String entityType,
			@RequestParam(name = "entity_id", required = false) String entityId,
			@RequestParam(name = "user_id", required = false) String userId,
			@RequestParam(name = "date_from", required = false) String dateFrom,
			@RequestParam(name = "date_to", required = false) String dateTo,
			@RequestParam(required = false) String search, IdentityAssertion caller) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		int size = (limit < 1 || limit > 100) ? DEFAULT_LIMIT : limit;
		int number = Math.min(Math.max(page, 1), 1_000_000);

		StringBuilder where = new StringBuilder(" where a.workspace_id = ?");
		List<Object> args = new ArrayList<>(List.of(workspaceId));
		exact(where, args, "a.action", action);
		exact(where, args, "a.entity_type", entityType);
		exact(where, args, "a.entity_id", entityId);
		exact(where, args, "a.user_id", userId);
		if (dateFrom != null) {
			where.append(" and a.created_at >= ?");
			args.add(Timestamp.from(instant("date_from", dateFrom)));
		}
		if (dateTo != null) {
			where.append(" and a.created_at <= ?");
			args.add(Timestamp.from(instant("date_to", dateTo)));
		}
		if (search != null && !search.isBlank()) {
			where.append(" and (a.action ilike ? or a.entity_type ilike ? or u.email ilike ? or u.full_name ilike ?)");
			String pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
			args.addAll(List.of(pattern, pattern, pattern, pattern));
		}
		String from = " from audit_logs a left join users u on u.id = a.user_id";
		Long total = this.jdbc.queryForObject("select count(*)" + from + where, Long.class, args.toArray());
		List<Object> pageArgs = new ArrayList<>(args);
		pageArgs.add(size);
		pageArgs.add((long) (number - 1) * size);
		List<Map<String, Object>> rows = this.jdbc.query("""
				select a.id, a.workspace_id, a.user_id, a.action, a.entity_type, a.entity_id, a.metadata,
				       a.ip_address, a.user_agent, a.created_at, u.email, u.full_name""" + from + where
				+ " order by a.created_at desc, a.id desc limit ? offset ?", (rs, n) -> {
					Map<String, Object> row = new LinkedHashMap<>();
					row.put("id", rs.getString("id"));
					row.put("workspace_id", rs.getString("workspace_id"));
					row.put("user_id", rs.getString("user_id"));
					row.put("action", rs.getString("action"));
					row.put("entity_type", rs.getString("entity_type"));
					row.put("entity_id", rs.getString("entity_id"));
					row.put("metadata", rs.getString("metadata"));
					row.put("ip_address", rs.getString("ip_address"));
					row.put("user_agent", rs.getString("user_agent"));
					row.put("created_at", rs.getTimestamp("created_at").toInstant().toString());
					if (rs.getString("email") != null) {
						row.put("user_email", rs.getString("email"));
						row.put("user_name", rs.getString("full_name"));
					}
					return row;
				}, pageArgs.toArray());
		long count = (total != null) ? total : 0;
		return Map.of("data", rows, "pagination",
				Map.of("page", number, "limit", size, "total", count, "total_pages", (count + size - 1) / size));
	}

	private static void exact(StringBuilder where, List<Object> args, String column, String value) {
		if (value != null && !value.isBlank()) {
			where.append(" and ").append(column).append(" = ?");
			args.add(value);
		}
	}

	private static Instant instant(String name, String value) {
		try {
			return (value.length() == 10) ? Instant.parse(value + "T00:00:00Z") : Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw ProblemException.badRequest(name + " must be an RFC 3339 timestamp or a date");
		}
	}

}
