package crewship.crew.workspace;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The one place crew-service reads "which workspace" from a request and authorises the
 * caller in it ({@link RequestedWorkspace}). Only ids are accepted: crew-service keeps no
 * copy of workspace slugs.
 */
@Component
public class WorkspaceScope {

	public static final String HEADER = RequestedWorkspace.HEADER;

	private final WorkspaceAccess access;

	WorkspaceScope(WorkspaceAccess access) {
		this.access = access;
	}

	/** The caller in one workspace, with the role that let them in. */
	public record Scope(String workspaceId, String userId, WorkspaceRole role) {
	}

	/**
	 * @throws ProblemException 400 without a workspace, 404 when the caller is no member
	 * (or it does not exist), 403 for a role too low
	 */
	public Scope require(IdentityAssertion caller, HttpServletRequest request, Action action) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException
				.badRequest("Missing workspace context: send workspace_id or the " + HEADER + " header"));
		return require(caller, workspaceId, action);
	}

	/** For a workspace named in the path. */
	public Scope require(IdentityAssertion caller, String workspaceId, Action action) {
		caller.requireUser();
		return new Scope(workspaceId, caller.subject(), this.access.require(caller, workspaceId, action));
	}

	/** Checks a further action for an already-scoped caller (no second lookup). */
	public static void demand(Scope scope, Action action) {
		if (!scope.role().permits(action)) {
			throw ProblemException.forbidden(
					"Your role " + scope.role() + " may not " + action.name().toLowerCase() + " in this workspace");
		}
	}

}
