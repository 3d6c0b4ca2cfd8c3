package crewship.auth.sessions;

import java.time.Instant;
import java.util.List;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface UserSessionRepository extends JpaRepository<UserSession, String> {

	@Query("""
			select s from UserSession s
			 where s.userId = ?1 and s.revokedAt is null and s.expiresAt > ?2
			 order by s.lastUsedAt desc""")
	List<UserSession> findActive(String userId, Instant now, Limit limit);

	@Modifying
	@Query("update UserSession s set s.revokedAt = ?3 where s.userId = ?1 and s.id <> ?2 and s.revokedAt is null")
	int revokeOthers(String userId, String keepSessionId, Instant now);

}
