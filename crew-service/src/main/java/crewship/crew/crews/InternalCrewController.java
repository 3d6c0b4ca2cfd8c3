package crewship.crew.crews;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceOwnership;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/internal/crews/{crewId}}, internal callers only: the workspace of a
 * live crew, by id (a slug is unique only within its workspace, so it names no crew
 * here). 404 for an unknown or deleted crew.
 */
@RestController
class InternalCrewController {

	private final CrewRepository crews;

	InternalCrewController(CrewRepository crews) {
		this.crews = crews;
	}

	@GetMapping("/api/v1/internal/crews/{crewId}")
	WorkspaceOwnership crew(@PathVariable String crewId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.crews.workspaceOfLive(crewId)
			.map(workspaceId -> new WorkspaceOwnership(crewId, workspaceId))
			.orElseThrow(() -> ProblemException.notFound("No such crew"));
	}

}
