package crewship.auth.flags;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface FeatureFlagRepository extends JpaRepository<FeatureFlag, String> {

	Optional<FeatureFlag> findByKey(String key);

	boolean existsByKey(String key);

	List<FeatureFlag> findAllByOrderByKeyAsc(Limit limit);

}
