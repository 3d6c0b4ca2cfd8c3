package crewship.vault.workspace;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The workspace a vault request acts in: {@code X-Workspace-ID}, else the
 * {@code workspace_id} query parameter, else — when the replica knows the caller in
 * exactly one workspace — that one. The vault holds no workspace table, so references are
 * ids, not slugs.
 */
@Component
public class CurrentWorkspace {

	public static final String HEADER = "X-Workspace-ID";

	private final WorkspaceAccess access;

	private final JdbcTemplate jdbc;

	CurrentWorkspace(WorkspaceAccess access, JdbcTemplate jdbc) {
		this.access = access;
		this.jdbc = jdbc;
	}

	/**
	 * The workspace, the caller's role in it and the capabilities their membership
	 * carries (as replicated from auth-service).
	 */
	public record Current(String workspaceId, WorkspaceRole role, List<String> capabilities) {

		public boolean hasCapability(String capability) {
			return this.capabilities.contains(capability);
		}

	}

	/**
	 * @throws ProblemException 401 without a user, 400 without a workspace context, 404
	 * outside it, 403 for a role too low
	 */
	public Current authorise(IdentityAssertion caller, HttpServletRequest request, Action action) {
		return authorise(caller, request, action, null);
	}

	/**
	 * The pages' layered gate: the role permits the action, or the membership carries the
	 * capability.
	 * @param capability widens the role; null for the role alone
	 * @throws ProblemException as
	 * {@link #authorise(IdentityAssertion, HttpServletRequest, Action)}
	 */
	public Current authorise(IdentityAssertion caller, HttpServletRequest request, Action action, String capability) {
		String userId = caller.requireUser();
		String reference = request.getHeader(HEADER);
		if (reference == null || reference.isBlank()) {
			reference = request.getParameter("workspace_id");
		}
		if (reference == null || reference.isBlank()) {
			List<String> mine = this.jdbc.queryForList(
					"select workspace_id from platform_workspace_membership where user_id = ? and role is not null limit 2",
					String.class, userId);
			if (mine.size() != 1) {
				throw ProblemException
					.badRequest("Missing workspace context: send the " + HEADER + " header or workspace_id");
			}
			reference = mine.get(0);
		}
		String workspaceId = reference.trim();
		Membership membership = this.access.requireMembership(caller, workspaceId, action, capability);
		return new Current(workspaceId, membership.role(), membership.capabilities());
	}

}
