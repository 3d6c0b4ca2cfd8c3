package crewship.crew.integrations;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ToolBindingRepository extends JpaRepository<ToolBinding, String> {

	@Query("select t from ToolBinding t where t.crewServerId = ?1 order by t.toolName")
	List<ToolBinding> ofServer(String crewServerId, Limit limit);

	@Query("select t from ToolBinding t where t.crewServerId = ?1 and t.toolName = ?2")
	Optional<ToolBinding> find(String crewServerId, String toolName);

	@Query("select t from ToolBinding t where t.crewServerId in ?1")
	List<ToolBinding> ofServers(Collection<String> crewServerIds);

}
