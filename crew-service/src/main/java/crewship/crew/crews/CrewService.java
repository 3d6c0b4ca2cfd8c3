package crewship.crew.crews;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.crews.CrewRequests.CreateCrew;
import crewship.crew.crews.CrewRequests.SetPolicy;
import crewship.crew.crews.CrewRequests.UpdateCrew;
import crewship.crew.crews.CrewView.Counts;
import crewship.crew.persona.PersonaStore;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.membership.MembershipLookup;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.ReplicatedRoles;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * Crews and what hangs on them (roster, persona, policy). Callers arrive already scoped
 * and authorised for the endpoint's action; every change is written with its event and
 * audit record.
 */
@Service
public class CrewService {

	static final int MAX_MEMBERS = 500;

	static final Set<String> AUTONOMY_LEVELS = Set.of("strict", "guided", "trusted", "full");

	static final Set<String> BEHAVIOR_MODES = Set.of("warn", "block");

	private final CrewRepository crews;

	private final CrewMemberRepository members;

	private final Changes changes;

	private final PersonaStore personas;

	private final CrewRuntime runtime;

	private final ReplicatedRoles workspaceRoles;

	private final JdbcTemplate jdbc;

	CrewService(CrewRepository crews, CrewMemberRepository members, Changes changes, PersonaStore personas,
			ObjectProvider<CrewRuntime> runtimes, MembershipReplica replica, MembershipLookup lookup,
			JdbcTemplate jdbc) {
		this.jdbc = jdbc;
		this.crews = crews;
		this.members = members;
		this.changes = changes;
		this.personas = personas;
		this.runtime = runtimes.getIfAvailable(NoCrewRuntime::new);
		this.workspaceRoles = new ReplicatedRoles(replica, lookup);
	}

	/**
	 * A live crew of the workspace by id or slug (agents and hires name crews both ways).
	 * @throws ProblemException 404 otherwise, also for another workspace's crew
	 */
	@Transactional(readOnly = true)
	public Crew find(String workspaceId, String idOrSlug) {
		return this.crews.findLive(idOrSlug, workspaceId)
			.or(() -> this.crews.findLiveBySlug(idOrSlug, workspaceId))
			.orElseThrow(() -> ProblemException.notFound("Crew not found"));
	}

	/** The live crews among {@code ids} in the workspace, by id (for embedding). */
	@Transactional(readOnly = true)
	public Map<String, Crew> findAll(String workspaceId, Collection<String> ids) {
		Map<String, Crew> found = new HashMap<>();
		this.crews.findAllById(ids)
			.stream()
			.filter(crew -> crew.getWorkspaceId().equals(workspaceId) && !crew.isDeleted())
			.forEach(crew -> found.put(crew.getId(), crew));
		return found;
	}

	/** The user's per-crew role override on the crew, if any. */
	@Transactional(readOnly = true)
	public Optional<WorkspaceRole> crewRole(String crewId, String userId) {
		return this.members.findByCrewIdAndUserId(crewId, userId)
			.map(member -> member.role)
			.map(WorkspaceRole::valueOf);
	}

	@Transactional(readOnly = true)
	List<CrewView> list(Scope scope, PageParams page) {
		List<Crew> found = this.crews.page(scope.workspaceId(), page.limit(), page.offset());
		Map<String, Counts> counts = counts(found.stream().map(Crew::getId).toList());
		return found.stream().map(crew -> view(crew, counts.get(crew.getId()), false, List.of())).toList();
	}

	@Transactional(readOnly = true)
	CrewView get(Scope scope, String idOrSlug) {
		return view(find(scope.workspaceId(), idOrSlug), true, List.of());
	}

	@Transactional
	CrewView create(Scope scope, CreateCrew request) {
		if (this.crews.slugTaken(request.slug(), scope.workspaceId())) {
			throw ProblemException.conflict("Crew slug '" + request.slug() + "' is already taken in this workspace");
		}
		Crew crew = new Crew(scope.workspaceId(), request.name().trim(), request.slug());
		CrewSettings.defaults(crew);
		List<String> warnings = CrewSettings.apply(crew, request.asUpdate());
		this.crews.saveAndFlush(crew);
		this.changes.record("crew.created", scope.workspaceId(), "crew", crew.getId(), scope.userId(), summary(crew));
		return view(crew, true, warnings);
	}

	/**
	 * Creates a crew with its persona for a crew template, inside the caller's
	 * transaction, with the same checks, event and audit as {@code POST /crews}.
	 * @throws ProblemException 409 for a slug already taken
	 */
	@Transactional
	public Crew createFromTemplate(Scope scope, String name, String slug, String description, String color, String icon,
			String persona) {
		CrewView created = create(scope, new CreateCrew(name, slug, description, color, icon, null, null, null, null,
				null, null, null, null, null, null, null, null, null, null, null));
		if (persona != null && !persona.isBlank()) {
			setPersona(scope, created.id(), persona);
		}
		return find(scope.workspaceId(), created.id());
	}

	@Transactional
	CrewView update(Scope scope, String idOrSlug, UpdateCrew request) {
		Crew crew = find(scope.workspaceId(), idOrSlug);
		if (request.slug() != null && !request.slug().equals(crew.getSlug())
				&& this.crews.slugTaken(request.slug(), scope.workspaceId())) {
			throw ProblemException.conflict("Crew slug '" + request.slug() + "' is already taken in this workspace");
		}
		List<String> warnings = CrewSettings.apply(crew, request);
		crew.touch();
		this.crews.saveAndFlush(crew);
		updated(scope, crew, "settings");
		return view(crew, true, warnings);
	}

	/**
	 * Soft-deletes the crew and, with it, its roster and its agents (their slugs are free
	 * again too).
	 */
	@Transactional
	void delete(Scope scope, String idOrSlug) {
		Crew crew = find(scope.workspaceId(), idOrSlug);
		crew.markDeleted();
		this.crews.saveAndFlush(crew);
		this.members.deleteByCrew(crew.getId());
		// crews.mdx: links to a deleted crew are removed with it
		this.jdbc.update("delete from crew_connection where from_crew_id = ? or to_crew_id = ?", crew.getId(),
				crew.getId());
		for (String agentId : this.jdbc.queryForList(
				"update agent set deleted_at = now(), updated_at = now(), version = version + 1 where crew_id = ? and deleted_at is null returning id",
				String.class, crew.getId())) {
			this.changes.record("agent.deleted", scope.workspaceId(), "agent", agentId, scope.userId(),
					Map.of("id", agentId, "crew_id", crew.getId()));
		}
		this.changes.record("crew.deleted", scope.workspaceId(), "crew", crew.getId(), scope.userId(),
				Map.of("id", crew.getId(), "slug", crew.getSlug()));
	}

	// --- members

	/**
	 * A roster entry; {@code user} carries only the id (user profiles live in
	 * auth-service).
	 */
	/**
	 * A roster entry. {@code role} is the per-crew override, {@code ""} when the member
	 * inherits the workspace role (the reference has a string, never null); the add
	 * answer leaves it out, as the page says.
	 */
	record MemberView(String id, String crewId, String userId, @JsonInclude(JsonInclude.Include.NON_NULL) String role,
			Instant createdAt, Map<String, String> user) {

		static MemberView of(CrewMember member, boolean withRole) {
			String role = (member.role != null) ? member.role : "";
			return new MemberView(member.id, member.crewId, member.userId, withRole ? role : null, member.createdAt,
					Map.of("id", member.userId));
		}

	}

	@Transactional(readOnly = true)
	List<MemberView> members(Scope scope, String crewRef) {
		Crew crew = find(scope.workspaceId(), crewRef);
		return this.members.roster(crew.getId(), Limit.of(MAX_MEMBERS))
			.stream()
			.map(member -> MemberView.of(member, true))
			.toList();
	}

	@Transactional
	MemberView addMember(Scope scope, String crewRef, String userId, String role) {
		Crew crew = find(scope.workspaceId(), crewRef);
		String override = crewRole(role);
		if (this.workspaceRoles.roleOf(scope.workspaceId(), userId) == null) {
			throw ProblemException.badRequest("user_id is not a member of this workspace");
		}
		if (this.members.existsByCrewIdAndUserId(crew.getId(), userId)) {
			throw ProblemException.conflict("The user is already a member of this crew");
		}
		if (this.members.countByCrewId(crew.getId()) >= MAX_MEMBERS) {
			throw ProblemException.conflict("A crew holds at most " + MAX_MEMBERS + " members");
		}
		CrewMember member = this.members.saveAndFlush(new CrewMember(crew, userId, override));
		updated(scope, crew, "member_added");
		return MemberView.of(member, false);
	}

	@Transactional
	String changeMemberRole(Scope scope, String crewRef, String memberId, String role) {
		Crew crew = find(scope.workspaceId(), crewRef);
		CrewMember member = this.members.findByIdAndCrewId(memberId, crew.getId())
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		member.role = crewRole(role);
		updated(scope, crew, "member_role_changed");
		return (member.role != null) ? member.role : "";
	}

	@Transactional
	void removeMember(Scope scope, String crewRef, String memberId) {
		Crew crew = find(scope.workspaceId(), crewRef);
		CrewMember member = this.members.findByIdAndCrewId(memberId, crew.getId())
			.orElseThrow(() -> ProblemException.notFound("Member not found"));
		this.members.delete(member);
		updated(scope, crew, "member_removed");
	}

	private static String crewRole(String role) {
		if (role == null || role.isBlank()) {
			return null; // inherit the workspace role
		}
		try {
			return WorkspaceRole.valueOf(role.trim()).name();
		}
		catch (IllegalArgumentException ex) {
			throw ProblemException.badRequest("role must be one of OWNER, ADMIN, MANAGER, MEMBER, VIEWER");
		}
	}

	// --- persona

	@Transactional(readOnly = true)
	Map<String, Object> persona(Scope scope, String crewRef) {
		Crew crew = find(scope.workspaceId(), crewRef);
		String content = (crew.getPersona() != null) ? crew.getPersona() : "";
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("crew_id", crew.getId());
		view.put("layer", "crew");
		view.put("content", content);
		view.put("bytes", content.getBytes(StandardCharsets.UTF_8).length);
		view.put("cap_bytes", PersonaStore.CAP_BYTES);
		return view;
	}

	@Transactional
	Map<String, Object> setPersona(Scope scope, String crewRef, String content) {
		int bytes = PersonaStore.checkedSize(content);
		Crew crew = find(scope.workspaceId(), crewRef);
		crew.setPersona(content);
		Instant written = this.personas.recordWrite("crew", crew.getId(), content, scope.userId());
		updated(scope, crew, "persona_set");
		return Map.of("layer", "crew", "bytes", bytes, "updated", written);
	}

	@Transactional
	void resetPersona(Scope scope, String crewRef) {
		Crew crew = find(scope.workspaceId(), crewRef);
		if (crew.getPersona() != null) {
			crew.setPersona(null);
			updated(scope, crew, "persona_reset");
		}
	}

	// --- policy

	/** The crew's autonomy policy; the audit triple is omitted until someone set it. */
	record PolicyView(String crewId, String autonomyLevel, String behaviorMode,
			@JsonInclude(JsonInclude.Include.NON_NULL) String setByUserId,
			@JsonInclude(JsonInclude.Include.NON_NULL) Instant setAt,
			@JsonInclude(JsonInclude.Include.NON_NULL) String reason) {

		static PolicyView of(Crew crew) {
			return new PolicyView(crew.getId(), crew.autonomyLevel, crew.behaviorMode, crew.policySetBy,
					crew.policySetAt, crew.policyReason);
		}

	}

	@Transactional(readOnly = true)
	PolicyView policy(Scope scope, String crewRef) {
		return PolicyView.of(find(scope.workspaceId(), crewRef));
	}

	@Transactional(readOnly = true)
	List<PolicyView> policies(Scope scope) {
		return this.crews.byName(scope.workspaceId(), Limit.of(PageParams.MAX_LIMIT * 5))
			.stream()
			.map(PolicyView::of)
			.toList();
	}

	@Transactional
	PolicyView setPolicy(Scope scope, String crewRef, SetPolicy request) {
		if (request.autonomyLevel() == null || !AUTONOMY_LEVELS.contains(request.autonomyLevel())) {
			throw ProblemException.badRequest("autonomy_level must be one of strict, guided, trusted, full");
		}
		if (request.behaviorMode() == null || !BEHAVIOR_MODES.contains(request.behaviorMode())) {
			throw ProblemException.badRequest("behavior_mode must be warn or block");
		}
		String reason = (request.reason() != null && !request.reason().isBlank()) ? request.reason().trim() : null;
		if (request.autonomyLevel().equals("full")) {
			if (request.behaviorMode().equals("block")) {
				throw ProblemException.badRequest("autonomy_level full with behavior_mode block is forbidden");
			}
			if (reason == null) {
				throw ProblemException.badRequest("reason is required when autonomy_level is full");
			}
		}
		Crew crew = find(scope.workspaceId(), crewRef);
		crew.setPolicy(request.autonomyLevel(), request.behaviorMode(), reason, scope.userId());
		this.crews.saveAndFlush(crew);
		Map<String, Object> data = summary(crew);
		data.put("change", "policy");
		data.put("autonomy_level", request.autonomyLevel());
		data.put("behavior_mode", request.behaviorMode());
		this.changes.record("crew.updated", scope.workspaceId(), "crew", crew.getId(), scope.userId(), data);
		return PolicyView.of(crew);
	}

	// --- runtime

	@Transactional(readOnly = true)
	Map<String, Object> startContainer(Scope scope, String crewRef) {
		return this.runtime.start(find(scope.workspaceId(), crewRef));
	}

	@Transactional(readOnly = true)
	Map<String, Object> stopContainer(Scope scope, String crewRef) {
		return this.runtime.stop(find(scope.workspaceId(), crewRef));
	}

	@Transactional(readOnly = true)
	Map<String, Object> containerStatus(Scope scope, String crewRef) {
		return this.runtime.status(find(scope.workspaceId(), crewRef));
	}

	// --- shared

	private void updated(Scope scope, Crew crew, String change) {
		Map<String, Object> data = summary(crew);
		data.put("change", change);
		this.changes.record("crew.updated", scope.workspaceId(), "crew", crew.getId(), scope.userId(), data);
	}

	/**
	 * What a crew event carries: enough for another service's local copy of the crew
	 * (issue-service numbers issues with {@code issue_prefix}), null when unset.
	 */
	static Map<String, Object> summary(Crew crew) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", crew.getId());
		data.put("name", crew.getName());
		data.put("slug", crew.getSlug());
		data.put("issue_prefix", crew.issuePrefix);
		return data;
	}

	private CrewView view(Crew crew, boolean full, List<String> warnings) {
		return view(crew, counts(List.of(crew.getId())).get(crew.getId()), full, warnings);
	}

	private CrewView view(Crew crew, Counts counts, boolean full, List<String> warnings) {
		return CrewView.of(crew, counts, full, warnings, this.runtime.networkModeUnenforcedReason());
	}

	private Map<String, Counts> counts(List<String> crewIds) {
		Map<String, Long> agents = new HashMap<>();
		Map<String, Long> roster = new HashMap<>();
		if (!crewIds.isEmpty()) {
			this.crews.agentCounts(crewIds).forEach(row -> agents.put((String) row[0], ((Number) row[1]).longValue()));
			this.crews.memberCounts(crewIds).forEach(row -> roster.put((String) row[0], ((Number) row[1]).longValue()));
		}
		Map<String, Counts> counts = new HashMap<>();
		crewIds.forEach(id -> counts.put(id, new Counts(agents.getOrDefault(id, 0L), roster.getOrDefault(id, 0L))));
		return counts;
	}

}
