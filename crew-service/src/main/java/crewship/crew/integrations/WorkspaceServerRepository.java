package crewship.crew.integrations;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface WorkspaceServerRepository extends JpaRepository<WorkspaceServer, String> {

	@Query("select s from WorkspaceServer s where s.id = ?1 and s.workspaceId = ?2")
	Optional<WorkspaceServer> find(String id, String workspaceId);

	/** Locked: deletes and the links made to it run one at a time. */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select s from WorkspaceServer s where s.id = ?1 and s.workspaceId = ?2")
	Optional<WorkspaceServer> findForUpdate(String id, String workspaceId);

	@Query("select count(s) > 0 from WorkspaceServer s where s.workspaceId = ?1 and s.name = ?2")
	boolean nameTaken(String workspaceId, String name);

	@Query("select s from WorkspaceServer s where s.workspaceId = ?1 order by s.name, s.id")
	List<WorkspaceServer> byName(String workspaceId, Limit limit);

	@Query(value = "select * from mcp_server where workspace_id = ?1 order by name, id limit ?2 offset ?3",
			nativeQuery = true)
	List<WorkspaceServer> page(String workspaceId, int limit, int offset);

	@Query("select s from WorkspaceServer s where s.workspaceId = ?1 and s.credentialId = ?2")
	List<WorkspaceServer> byCredential(String workspaceId, String credentialId);

}
