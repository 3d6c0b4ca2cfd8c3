package crewship.auth.invitations;

import java.time.Instant;
import java.util.List;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface InvitationRepository extends JpaRepository<Invitation, String> {

	@Query("""
			select i from Invitation i
			 where i.workspaceId = ?1 and i.acceptedAt is null and i.expiresAt > ?2
			 order by i.createdAt desc""")
	List<Invitation> findPending(String workspaceId, Instant now, Limit limit);

	@Query("""
			select i from Invitation i
			 where lower(i.email) = lower(?1) and i.acceptedAt is null and i.expiresAt > ?2""")
	List<Invitation> findLiveFor(String email, Instant now);

	@Query("""
			select count(i) > 0 from Invitation i
			 where i.workspaceId = ?1 and lower(i.email) = lower(?2) and i.acceptedAt is null and i.expiresAt > ?3""")
	boolean existsLive(String workspaceId, String email, Instant now);

}
