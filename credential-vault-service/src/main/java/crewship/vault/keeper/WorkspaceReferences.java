package crewship.vault.keeper;

import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/** Checks the workspace-owned ids a Keeper setting may name; a miss is a 400. */
@Component
class WorkspaceReferences {

	private final JdbcTemplate jdbc;

	WorkspaceReferences(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** An active, undeleted credential of one of the types, in this workspace. */
	void requireCredential(String workspaceId, String credentialId, Set<String> types, String field) {
		List<String> found = this.jdbc.queryForList("""
				select type from credentials
				 where id = ? and workspace_id = ? and deleted_at is null and status = 'ACTIVE'
				""", String.class, credentialId, workspaceId);
		if (found.isEmpty() || !types.contains(found.get(0))) {
			throw ProblemException.badRequest(
					field + " must name an active " + String.join(" or ", types) + " credential of this workspace");
		}
	}

	/** An ADMIN or OWNER of this workspace, as the membership replica knows it. */
	void requireManager(String workspaceId, String userId, String field) {
		Integer count = this.jdbc.queryForObject("""
				select count(*) from platform_workspace_membership
				 where workspace_id = ? and user_id = ? and role in ('OWNER', 'ADMIN')
				""", Integer.class, workspaceId, userId);
		if (count == null || count == 0) {
			throw ProblemException.badRequest(field + " must be an ADMIN or OWNER of this workspace");
		}
	}

	int managers(String workspaceId) {
		Integer count = this.jdbc.queryForObject("""
				select count(*) from platform_workspace_membership
				 where workspace_id = ? and role in ('OWNER', 'ADMIN')
				""", Integer.class, workspaceId);
		return (count != null) ? count : 0;
	}

}
