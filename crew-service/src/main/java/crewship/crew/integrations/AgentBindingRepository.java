package crewship.crew.integrations;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface AgentBindingRepository extends JpaRepository<AgentBinding, String> {

	@Query("select b from AgentBinding b where b.agentId = ?1 and b.workspaceId = ?2 order by b.createdAt, b.id")
	List<AgentBinding> ofAgent(String agentId, String workspaceId, Limit limit);

	@Query("select b from AgentBinding b where b.id = ?1 and b.agentId = ?2 and b.workspaceId = ?3")
	Optional<AgentBinding> find(String id, String agentId, String workspaceId);

	@Query("select count(b) > 0 from AgentBinding b where b.agentId = ?1 and b.serverId = ?2 and b.scope = ?3")
	boolean exists(String agentId, String serverId, String scope);

	@Query("select b from AgentBinding b where b.agentId = ?1 and b.serverId = ?2 and b.scope = ?3")
	Optional<AgentBinding> findByServer(String agentId, String serverId, String scope);

	@Query("select b from AgentBinding b where b.serverId = ?1 and b.scope = ?2")
	List<AgentBinding> toServer(String serverId, String scope);

	@Modifying(flushAutomatically = true)
	@Query("delete from AgentBinding b where b.serverId = ?1 and b.scope = ?2")
	int deleteToServer(String serverId, String scope);

	@Query("select count(b) > 0 from AgentBinding b where b.workspaceId = ?1 and b.credentialId = ?2")
	boolean credentialUsed(String workspaceId, String credentialId);

}
