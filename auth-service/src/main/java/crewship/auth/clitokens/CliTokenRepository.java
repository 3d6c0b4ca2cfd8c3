package crewship.auth.clitokens;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

public interface CliTokenRepository extends JpaRepository<CliToken, String> {

	Optional<CliToken> findByTokenHash(String tokenHash);

	List<CliToken> findByUserIdOrderByCreatedAtDesc(String userId, Limit limit);

}
