package crewship.crew.skills;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AgentSkillRepository extends JpaRepository<AgentSkill, String> {

	Optional<AgentSkill> findByAgentIdAndSkillId(String agentId, String skillId);

	@Query("select a from AgentSkill a where a.agentId = ?1 order by a.createdAt, a.id")
	List<AgentSkill> forAgent(String agentId, Limit limit);

}
