package crewship.mission.missions;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/internal/missions/{missionId}}, internal callers only: the workspace
 * (and crew) of a mission, so realtime-service can authorise a {@code mission:{id}}
 * subscription before the mission's first event reaches it. 404 for an unknown mission.
 */
@RestController
class InternalMissionController {

	private final JdbcTemplate jdbc;

	InternalMissionController(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	record MissionOwnership(String id, String workspaceId, String crewId) {
	}

	@GetMapping("/api/v1/internal/missions/{missionId}")
	MissionOwnership mission(@PathVariable String missionId, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.jdbc
			.query("select id, workspace_id, crew_id from mission where id = ?",
					(rs, n) -> new MissionOwnership(rs.getString(1), rs.getString(2), rs.getString(3)), missionId)
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("No such mission"));
	}

}
