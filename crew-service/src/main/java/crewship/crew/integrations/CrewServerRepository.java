package crewship.crew.integrations;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface CrewServerRepository extends JpaRepository<CrewServer, String> {

	@Query("select s from CrewServer s where s.id = ?1 and s.crewId = ?2 and s.workspaceId = ?3")
	Optional<CrewServer> find(String id, String crewId, String workspaceId);

	@Query("select s from CrewServer s where s.id = ?1 and s.workspaceId = ?2")
	Optional<CrewServer> findInWorkspace(String id, String workspaceId);

	@Query("select count(s) > 0 from CrewServer s where s.crewId = ?1 and s.name = ?2")
	boolean nameTaken(String crewId, String name);

	@Query("select s from CrewServer s where s.crewId = ?1 order by s.name, s.id")
	List<CrewServer> ofCrew(String crewId, Limit limit);

	@Query(value = "select * from crew_mcp_server where workspace_id = ?1 order by crew_id, name, id limit ?2 offset ?3",
			nativeQuery = true)
	List<CrewServer> page(String workspaceId, int limit, int offset);

	@Query("select s from CrewServer s where s.workspaceServerId = ?1")
	List<CrewServer> linkedTo(String workspaceServerId);

	@Query("select s from CrewServer s where s.workspaceId = ?1 and s.credentialId = ?2")
	List<CrewServer> byCredential(String workspaceId, String credentialId);

}
