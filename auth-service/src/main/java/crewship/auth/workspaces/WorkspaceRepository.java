package crewship.auth.workspaces;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface WorkspaceRepository extends JpaRepository<Workspace, String> {

	@Query("select w from Workspace w where w.id = ?1 and w.deletedAt is null")
	Optional<Workspace> findLive(String id);

	@Query("""
			select w from Workspace w, WorkspaceMember m
			 where m.workspaceId = w.id and m.userId = ?1 and w.deletedAt is null
			 order by w.createdAt desc""")
	List<Workspace> findForUser(String userId, Limit limit);

	@Query("select w from Workspace w where w.slug = ?1 and w.deletedAt is null")
	Optional<Workspace> findLiveBySlug(String slug);

	boolean existsBySlugAndDeletedAtIsNull(String slug);

}
