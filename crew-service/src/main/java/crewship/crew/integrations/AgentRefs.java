package crewship.crew.integrations;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/**
 * The little the integrations need of an agent (its crew), read from the agent table
 * without reaching into the agents package.
 */
@Component
public class AgentRefs {

	private final JdbcTemplate jdbc;

	AgentRefs(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A live agent of the workspace. */
	public record AgentRef(String id, String crewId, String name, String slug) {
	}

	/**
	 * @param idOrSlug the agent's id (or slug, unique per workspace)
	 * @throws ProblemException 404 unless it is a live agent of the workspace
	 */
	public AgentRef require(String workspaceId, String idOrSlug) {
		return find(workspaceId, idOrSlug).orElseThrow(() -> ProblemException.notFound("Agent not found"));
	}

	public Optional<AgentRef> find(String workspaceId, String idOrSlug) {
		List<AgentRef> found = this.jdbc.query("""
				select id, crew_id, name, slug from agent
				 where workspace_id = ? and deleted_at is null and (id = ? or slug = ?)
				 order by (id = ?) desc limit 1
				""", (rs, n) -> new AgentRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
				workspaceId, idOrSlug, idOrSlug, idOrSlug);
		return found.stream().findFirst();
	}

}
