package crewship.crew.crews;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface CrewMemberRepository extends JpaRepository<CrewMember, String> {

	@Query("select m from CrewMember m where m.crewId = ?1 order by m.createdAt, m.id")
	List<CrewMember> roster(String crewId, Limit limit);

	Optional<CrewMember> findByIdAndCrewId(String id, String crewId);

	Optional<CrewMember> findByCrewIdAndUserId(String crewId, String userId);

	boolean existsByCrewIdAndUserId(String crewId, String userId);

	long countByCrewId(String crewId);

	@Modifying
	@Query("delete from CrewMember m where m.crewId = ?1")
	int deleteByCrew(String crewId);

}
