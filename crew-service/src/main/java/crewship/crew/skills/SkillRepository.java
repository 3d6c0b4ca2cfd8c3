package crewship.crew.skills;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface SkillRepository extends JpaRepository<Skill, String> {

	/** A live skill the workspace sees: its own, or a bundled one. */
	@Query("select s from Skill s where s.id = ?1 and (s.workspaceId = ?2 or s.workspaceId is null) and s.deletedAt is null")
	Optional<Skill> findVisible(String id, String workspaceId);

	/** The workspace's own live skill by slug (import upserts on it). */
	@Query("select s from Skill s where s.slug = ?1 and s.workspaceId = ?2 and s.deletedAt is null")
	Optional<Skill> findOwnBySlug(String slug, String workspaceId);

	@Query("select s from Skill s where s.slug = ?1 and s.workspaceId is null and s.deletedAt is null")
	Optional<Skill> findBundledBySlug(String slug);

	/** By slug as a workspace sees it: its own first, else the bundled one. */
	default Optional<Skill> findVisibleBySlug(String slug, String workspaceId) {
		return findOwnBySlug(slug, workspaceId).or(() -> findBundledBySlug(slug));
	}

}
