package crewship.crew.crews;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface CrewRepository extends JpaRepository<Crew, String> {

	/** The workspace of a live {@code crew} (internal lookups). */
	@Query("select c.workspaceId from Crew c where c.id = ?1 and c.deletedAt is null")
	Optional<String> workspaceOfLive(String id);

	@Query("select c from Crew c where c.id = ?1 and c.workspaceId = ?2 and c.deletedAt is null")
	Optional<Crew> findLive(String id, String workspaceId);

	@Query("select c from Crew c where c.slug = ?1 and c.workspaceId = ?2 and c.deletedAt is null")
	Optional<Crew> findLiveBySlug(String slug, String workspaceId);

	@Query("select count(c) > 0 from Crew c where c.slug = ?1 and c.workspaceId = ?2 and c.deletedAt is null")
	boolean slugTaken(String slug, String workspaceId);

	@Query(value = "select * from crew where workspace_id = ?1 and deleted_at is null order by created_at desc, id desc limit ?2 offset ?3",
			nativeQuery = true)
	List<Crew> page(String workspaceId, int limit, int offset);

	/** Active agents: live and not expired (ghosts do not count). */
	@Query(value = "select crew_id, count(*) from agent where crew_id in (?1) and deleted_at is null and expired_at is null group by crew_id",
			nativeQuery = true)
	List<Object[]> agentCounts(List<String> crewIds);

	@Query(value = "select crew_id, count(*) from crew_member where crew_id in (?1) group by crew_id",
			nativeQuery = true)
	List<Object[]> memberCounts(List<String> crewIds);

	@Query("select c from Crew c where c.workspaceId = ?1 and c.deletedAt is null order by c.name")
	List<Crew> byName(String workspaceId, Limit limit);

}
