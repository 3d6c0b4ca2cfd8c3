package crewship.crew.skills;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.skills.ProposedSkills.Proposal;
import crewship.crew.skills.SkillService.AssignmentView;
import crewship.crew.skills.SkillViews.BulkResult;
import crewship.crew.skills.SkillViews.Detail;
import crewship.crew.skills.SkillViews.Generated;
import crewship.crew.skills.SkillViews.Summary;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/**
 * The skill marketplace (skills.mdx), per-agent skills, and the proposed-skill review.
 * The literal {@code /api/v1/skills/proposed} paths are mapped here, so they are never
 * read as a skill id by {@code /api/v1/skills/{skillId}} (a literal segment wins in
 * Spring MVC's matching). The gateway routes
 * {@code /api/v1/workspaces/*}{@code /skills/**} here although other workspace paths are
 * auth-service's.
 */
@RestController
class SkillController {

	private final SkillService skills;

	private final SkillAuthoring authoring;

	private final BulkSkillImport bulk;

	private final ProposedSkills proposed;

	private final WorkspaceScope scopes;

	SkillController(SkillService skills, SkillAuthoring authoring, BulkSkillImport bulk, ProposedSkills proposed,
			WorkspaceScope scopes) {
		this.skills = skills;
		this.authoring = authoring;
		this.bulk = bulk;
		this.proposed = proposed;
		this.scopes = scopes;
	}

	record ImportSkill(@Size(max = 2048) String url, String content, Boolean allowUnsafeLicense) {
	}

	record GenerateSkill(@NotBlank @Size(max = 100) String slug, @NotBlank @Size(max = 4000) String prompt,
			@Size(max = 200) String model) {
	}

	record BulkImport(@Size(max = 2048) String gitUrl, @Size(max = 200) String gitRef,
			@Size(max = 50) List<@Size(max = 500) String> paths, @Size(max = 200) String vendor,
			Boolean allowUnsafeLicense, Boolean dryRun) {
	}

	record AssignSkill(@NotBlank String skillId, @Size(max = 64 * 1024) String config) {
	}

	record ProposalDecision(String crewId, String fileName) {
	}

	record StageProposal(@NotBlank String workspaceId, @NotBlank String crewId, @NotBlank String fileName,
			@NotBlank String content) {
	}

	@GetMapping("/api/v1/skills")
	List<Summary> list(@RequestParam(required = false) String category, @RequestParam(required = false) String source,
			@RequestParam(required = false) String search, @RequestParam(required = false) String vendor,
			@RequestParam(required = false) String maturity, @RequestParam(required = false) String runtime,
			@RequestParam(required = false) String installed,
			@RequestParam(name = "installed_for_agent_id", required = false) String installedForAgentId,
			@PageParams.Defaults(limit = 50) PageParams page, IdentityAssertion caller, HttpServletRequest request) {
		boolean onlyInstalled = "1".equals(installed) || "true".equalsIgnoreCase(installed);
		return this.skills.list(this.scopes.require(caller, request, Action.READ), new SkillService.Filters(category,
				source, search, vendor, maturity, runtime, onlyInstalled, installedForAgentId), page);
	}

	@GetMapping("/api/v1/skills/proposed")
	List<Proposal> proposed(@RequestParam(name = "crew_id", required = false) String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.proposed.list(this.scopes.require(caller, request, Action.CREATE), crewId);
	}

	@PostMapping("/api/v1/skills/proposed/approve")
	Map<String, Object> approve(@RequestBody ProposalDecision body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.proposed.approve(this.scopes.require(caller, request, Action.CREATE), body.crewId(),
				body.fileName());
	}

	@PostMapping("/api/v1/skills/proposed/reject")
	Map<String, Object> reject(@RequestBody ProposalDecision body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.proposed.reject(this.scopes.require(caller, request, Action.CREATE), body.crewId(),
				body.fileName());
	}

	@GetMapping("/api/v1/skills/{skillId}")
	Detail get(@PathVariable String skillId, IdentityAssertion caller, HttpServletRequest request) {
		return this.skills.get(this.scopes.require(caller, request, Action.READ), skillId);
	}

	/** 201 for a new skill, 200 when the slug existed and was updated. */
	@PostMapping("/api/v1/workspaces/{workspaceId}/skills/import")
	ResponseEntity<Detail> importSkill(@PathVariable String workspaceId, @Valid @RequestBody ImportSkill body,
			IdentityAssertion caller) {
		SkillService.Stored stored = this.skills.importSkill(this.scopes.require(caller, workspaceId, Action.CREATE),
				body.url(), body.content(), Boolean.TRUE.equals(body.allowUnsafeLicense()));
		return ResponseEntity.status(stored.created() ? HttpStatus.CREATED : HttpStatus.OK).body(stored.skill());
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/skills/generate")
	@ResponseStatus(HttpStatus.CREATED)
	Generated generate(@PathVariable String workspaceId, @Valid @RequestBody GenerateSkill body,
			IdentityAssertion caller) {
		return this.authoring.generate(this.scopes.require(caller, workspaceId, Action.CREATE), body.slug(),
				body.prompt(), body.model());
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/skills/bulk-import")
	BulkResult bulkImport(@PathVariable String workspaceId, @Valid @RequestBody BulkImport body,
			IdentityAssertion caller) {
		return this.bulk.run(this.scopes.require(caller, workspaceId, Action.CREATE),
				new BulkSkillImport.Request(body.gitUrl(), body.gitRef(), body.paths(), body.vendor(),
						Boolean.TRUE.equals(body.allowUnsafeLicense()), Boolean.TRUE.equals(body.dryRun())));
	}

	@DeleteMapping("/api/v1/workspaces/{workspaceId}/skills/{skillId}")
	Map<String, Object> delete(@PathVariable String workspaceId, @PathVariable String skillId,
			IdentityAssertion caller) {
		return this.skills.delete(this.scopes.require(caller, workspaceId, Action.MANAGE), skillId);
	}

	/** The memory consolidator stages a proposal (internal callers only). */
	@PostMapping("/api/v1/internal/skills/proposed")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> stage(@Valid @RequestBody StageProposal body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.proposed.stage(body.workspaceId(), body.crewId(), body.fileName(), body.content());
	}

	@GetMapping("/api/v1/agents/{agentId}/skills")
	List<AssignmentView> agentSkills(@PathVariable String agentId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.skills.agentSkills(this.scopes.require(caller, request, Action.READ), agentId);
	}

	/** 201 on a fresh assignment; 200 with {@code already_assigned} when it existed. */
	@PostMapping("/api/v1/agents/{agentId}/skills")
	ResponseEntity<Map<String, Object>> assign(@PathVariable String agentId, @Valid @RequestBody AssignSkill body,
			IdentityAssertion caller, HttpServletRequest request) {
		Map<String, Object> result = this.skills.assign(this.scopes.require(caller, request, Action.CREATE), agentId,
				body.skillId(), body.config());
		return ResponseEntity.status(result.containsKey("already_assigned") ? HttpStatus.OK : HttpStatus.CREATED)
			.body(result);
	}

	@DeleteMapping("/api/v1/agents/{agentId}/skills/{skillId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void unassign(@PathVariable String agentId, @PathVariable String skillId, IdentityAssertion caller,
			HttpServletRequest request) {
		this.skills.unassign(this.scopes.require(caller, request, Action.CREATE), agentId, skillId);
	}

}
