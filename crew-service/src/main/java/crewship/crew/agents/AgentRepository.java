package crewship.crew.agents;

import java.util.List;
import java.util.Optional;

import jakarta.persistence.LockModeType;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface AgentRepository extends JpaRepository<Agent, String> {

	/** The workspace of a live {@code agent} (internal lookups). */
	@Query("select a.workspaceId from Agent a where a.id = ?1 and a.deletedAt is null")
	Optional<String> workspaceOfLive(String id);

	@Query("select a from Agent a where a.id = ?1 and a.workspaceId = ?2 and a.deletedAt is null")
	Optional<Agent> findLive(String id, String workspaceId);

	/**
	 * The live agent, its row locked until the transaction ends: changes that also change
	 * the vault run one at a time per agent, in the order they commit, and a concurrent
	 * delete waits (or is seen).
	 */
	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select a from Agent a where a.id = ?1 and a.workspaceId = ?2 and a.deletedAt is null")
	Optional<Agent> findLiveForUpdate(String id, String workspaceId);

	@Query("select count(a) > 0 from Agent a where a.slug = ?1 and a.workspaceId = ?2 and a.deletedAt is null")
	boolean slugTaken(String slug, String workspaceId);

	@Query("select count(a) > 0 from Agent a where a.crewId = ?1 and a.agentRole = 'LEAD' and a.deletedAt is null and a.id <> ?2")
	boolean crewHasOtherLead(String crewId, String agentId);

	@Query(value = "select * from agent where workspace_id = ?1 and deleted_at is null and (cast(?2 as varchar) is null or crew_id = ?2) order by created_at desc, id desc limit ?3 offset ?4",
			nativeQuery = true)
	List<Agent> page(String workspaceId, String crewId, int limit, int offset);

	/** Live contractors holding a quota slot (ghosts do not). */
	@Query("select count(a) from Agent a where a.crewId = ?1 and a.ephemeral = true and a.expiredAt is null and a.deletedAt is null")
	long activeEphemerals(String crewId);

	/** The guided gate: only one concurrent approval can win. */
	@Modifying(flushAutomatically = true, clearAutomatically = true)
	@Query("update Agent a set a.status = 'IDLE', a.version = a.version + 1, a.updatedAt = CURRENT_TIMESTAMP where a.id = ?1 and a.status = 'PENDING_REVIEW' and a.deletedAt is null")
	int approvePending(String id);

	@Query(value = "select status, count(*) from agent where workspace_id = ?1 and deleted_at is null and expired_at is null group by status",
			nativeQuery = true)
	List<Object[]> statusCounts(String workspaceId);

	@Query(value = "select count(*) from agent_skill where agent_id = ?1", nativeQuery = true)
	long skillCount(String agentId);

	/** The names of the agent's skills, in assignment order (at most 100). */
	@Query(value = "select s.name from agent_skill a join skill s on s.id = a.skill_id where a.agent_id = ?1 "
			+ "order by a.created_at, a.id limit 100", nativeQuery = true)
	List<String> skillNames(String agentId);

	/**
	 * Forgets the agent's stored avatar render and its hash on the row (which no entity
	 * save writes). @return 1 when there was one
	 */
	@Modifying
	@Query(value = "with dropped as (delete from agent_avatar where agent_id = ?1 returning agent_id) "
			+ "update agent set avatar_sha256 = null where id in (select agent_id from dropped)", nativeQuery = true)
	int dropAvatar(String agentId);

}
