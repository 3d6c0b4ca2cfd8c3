package crewship.auth.admin;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.users.User;
import crewship.auth.workspaces.WorkspaceContext;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The OWNER's read surfaces: stats, users and the workspace row, each scoped to the
 * current workspace so an OWNER of one workspace learns nothing about another. Crews and
 * agents are crew-service's data; auth-service keeps no projection of them yet, so their
 * counts are 0.
 */
@RestController
class AdminController {

	/** Bounded like every list; larger workspaces page through the members endpoint. */
	static final int MAX_USERS = 1000;

	private final WorkspaceContext context;

	private final JdbcTemplate jdbc;

	AdminController(WorkspaceContext context, JdbcTemplate jdbc) {
		this.context = context;
		this.jdbc = jdbc;
	}

	private String ownedWorkspace(IdentityAssertion caller, HttpServletRequest request) {
		WorkspaceContext.Current current = this.context.authorise(caller, request, Action.READ);
		if (current.role() != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only the workspace OWNER may use the admin API");
		}
		return current.workspaceId();
	}

	@GetMapping("/api/v1/admin/stats")
	Map<String, Object> stats(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = ownedWorkspace(caller, request);
		Long users = this.jdbc.queryForObject("select count(*) from workspace_members where workspace_id = ?",
				Long.class, workspaceId);
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("workspaces", 1);
		stats.put("users", users);
		stats.put("crews", 0);
		stats.put("agents", 0);
		stats.put("running", 0);
		return stats;
	}

	@GetMapping("/api/v1/admin/users")
	List<Map<String, Object>> users(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = ownedWorkspace(caller, request);
		return this.jdbc.query(
				"""
						select u.id, u.email, u.full_name, u.avatar_sha256, u.created_at, m.role, w.id as ws_id, w.name as ws_name, w.slug as ws_slug
						  from workspace_members m
						  join users u on u.id = m.user_id
						  join workspaces w on w.id = m.workspace_id
						 where m.workspace_id = ?
						 order by m.created_at, m.id
						 limit ?""",
				(rs, n) -> {
					Map<String, Object> workspace = new LinkedHashMap<>();
					workspace.put("id", rs.getString("ws_id"));
					workspace.put("name", rs.getString("ws_name"));
					workspace.put("slug", rs.getString("ws_slug"));
					Map<String, Object> user = new LinkedHashMap<>();
					user.put("id", rs.getString("id"));
					user.put("email", rs.getString("email"));
					user.put("full_name", rs.getString("full_name"));
					user.put("avatar_url", User.avatarUrl(rs.getString("id"), rs.getString("avatar_sha256")));
					user.put("created_at", timestamp(rs.getTimestamp("created_at")));
					user.put("workspace", workspace);
					user.put("workspaces", List.of(workspace));
					user.put("role", rs.getString("role"));
					return user;
				}, workspaceId, MAX_USERS);
	}

	@GetMapping("/api/v1/admin/workspaces")
	List<Map<String, Object>> workspaces(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = ownedWorkspace(caller, request);
		return this.jdbc.query("""
				select w.id, w.name, w.slug, w.created_at, w.updated_at,
				       (select count(*) from workspace_members m where m.workspace_id = w.id) as members
				  from workspaces w
				 where w.id = ? and w.deleted_at is null""", (rs, n) -> {
			Map<String, Object> workspace = new LinkedHashMap<>();
			workspace.put("id", rs.getString("id"));
			workspace.put("name", rs.getString("name"));
			workspace.put("slug", rs.getString("slug"));
			workspace.put("created_at", timestamp(rs.getTimestamp("created_at")));
			workspace.put("updated_at", timestamp(rs.getTimestamp("updated_at")));
			workspace.put("_count_members", rs.getLong("members"));
			workspace.put("_count_agents", 0);
			workspace.put("_count_crews", 0);
			return workspace;
		}, workspaceId);
	}

	private static String timestamp(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant().toString() : null;
	}

}
