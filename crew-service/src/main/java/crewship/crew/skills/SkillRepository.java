package crewship.crew.skills;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SkillRepository extends JpaRepository<Skill, String> {

	@Query("select s from Skill s where s.id = ?1 and s.workspaceId = ?2 and s.deletedAt is null")
	Optional<Skill> findLive(String id, String workspaceId);

	@Query("select count(s) > 0 from Skill s where s.slug = ?1 and s.workspaceId = ?2 and s.deletedAt is null")
	boolean slugTaken(String slug, String workspaceId);

	@Query(value = "select * from skill where workspace_id = ?1 and deleted_at is null order by name, id limit ?2 offset ?3",
			nativeQuery = true)
	List<Skill> page(String workspaceId, int limit, int offset);

}
