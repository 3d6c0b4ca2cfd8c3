package crewship.auth.workspaces;

import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * "The current workspace" of the instance-wide endpoints (admin, feature flags, instance
 * settings, onboarding): the workspace the request names ({@link RequestedWorkspace}, id
 * or slug), else — when the caller belongs to exactly one workspace — that one. It
 * selects whose role authorises the call.
 */
@Component
public class WorkspaceContext {

	public static final String HEADER = RequestedWorkspace.HEADER;

	private final WorkspaceRepository workspaces;

	private final WorkspaceAccess access;

	WorkspaceContext(WorkspaceRepository workspaces, WorkspaceAccess access) {
		this.workspaces = workspaces;
		this.access = access;
	}

	/** The current workspace and the caller's role in it. */
	public record Current(String workspaceId, WorkspaceRole role) {
	}

	/**
	 * The current workspace, once the caller's role there permits {@code action}.
	 * @throws ProblemException 400 without a workspace context, 404 outside it, 403 for a
	 * role too low
	 */
	@Transactional(readOnly = true)
	public Current authorise(IdentityAssertion caller, HttpServletRequest request, Action action) {
		String workspaceId = require(caller, request);
		return new Current(workspaceId, this.access.require(caller, workspaceId, action));
	}

	/**
	 * @return the workspace id the request names (not yet access-checked), if any
	 * @throws ProblemException 400 when none is named and the caller's membership is
	 * ambiguous; 404 for a reference that matches no live workspace
	 */
	@Transactional(readOnly = true)
	public String require(IdentityAssertion caller, HttpServletRequest request) {
		return optional(caller, request).orElseThrow(() -> ProblemException
			.badRequest("Missing workspace context: send the " + HEADER + " header (workspace id or slug)"));
	}

	@Transactional(readOnly = true)
	public Optional<String> optional(IdentityAssertion caller, HttpServletRequest request) {
		caller.requireUser();
		Optional<String> reference = RequestedWorkspace.of(request);
		if (reference.isPresent()) {
			String ref = reference.get();
			return Optional.of(this.workspaces.findLive(ref)
				.or(() -> this.workspaces.findLiveBySlug(ref))
				.map(Workspace::getId)
				.orElseThrow(() -> ProblemException.notFound("Workspace not found")));
		}
		List<Workspace> mine = this.workspaces.findForUser(caller.subject(), Limit.of(2));
		return (mine.size() == 1) ? Optional.of(mine.get(0).getId()) : Optional.empty();
	}

}
