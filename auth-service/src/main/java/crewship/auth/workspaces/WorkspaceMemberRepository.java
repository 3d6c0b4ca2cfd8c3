package crewship.auth.workspaces;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import crewship.platform.membership.WorkspaceRole;

public interface WorkspaceMemberRepository extends JpaRepository<WorkspaceMember, String> {

	Optional<WorkspaceMember> findByWorkspaceIdAndUserId(String workspaceId, String userId);

	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select m from WorkspaceMember m where m.workspaceId = ?1 and m.id = ?2")
	Optional<WorkspaceMember> lockMember(String workspaceId, String memberId);

	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select m from WorkspaceMember m where m.workspaceId = ?1 and m.userId = ?2")
	Optional<WorkspaceMember> lockByUser(String workspaceId, String userId);

	List<WorkspaceMember> findByWorkspaceIdOrderByCreatedAtAsc(String workspaceId, Limit limit);

	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select m from WorkspaceMember m where m.workspaceId = ?1 and m.role = ?2")
	List<WorkspaceMember> lockByRole(String workspaceId, WorkspaceRole role);

	long countByWorkspaceId(String workspaceId);

	long countByUserId(String userId);

	List<WorkspaceMember> findByUserId(String userId);

	@Query(value = "select nextval('membership_event_version')", nativeQuery = true)
	long nextEventVersion();

}
