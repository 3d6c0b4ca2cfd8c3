package crewship.auth.sessions;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface UserSessionRepository extends JpaRepository<UserSession, String> {

	@Query("""
			select s from UserSession s
			 where s.userId = ?1 and s.revokedAt is null and s.expiresAt > ?2
			 order by s.lastUsedAt desc""")
	List<UserSession> findActive(String userId, Instant now, Limit limit);

	/** Serialises refreshes of one session across replicas. */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select s from UserSession s where s.id = ?1")
	Optional<UserSession> lockById(String id);

	@Modifying
	@Query("update UserSession s set s.revokedAt = ?3 where s.userId = ?1 and s.id <> ?2 and s.revokedAt is null")
	int revokeOthers(String userId, String keepSessionId, Instant now);

}
