package crewship.vault.credentials;

import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface CredentialRepository extends JpaRepository<Credential, String> {

	@Query("select c from Credential c where c.id = ?1 and c.workspaceId = ?2 and c.deletedAt is null")
	Optional<Credential> findLive(String id, String workspaceId);

	@Query("select count(c) > 0 from Credential c where c.workspaceId = ?1 and c.name = ?2 and c.deletedAt is null")
	boolean nameTaken(String workspaceId, String name);

}
