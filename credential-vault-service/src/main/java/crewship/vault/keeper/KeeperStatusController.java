package crewship.vault.keeper;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.workspace.CurrentWorkspace;

/**
 * {@code GET /api/v1/system/keeper}: the workspace's Keeper at a glance. ADMIN or OWNER,
 * like the rest of Keeper: it names the judge's address. The judge is not dialled here
 * ({@code ollama_probed: false}); {@code /admin/keeper/judge/test} does that, within the
 * probe budget.
 */
@RestController
class KeeperStatusController {

	private final CurrentWorkspace workspace;

	private final KeeperConfigs configs;

	private final KeeperGovernance governance;

	private final KeeperRequests requests;

	private final JdbcTemplate jdbc;

	KeeperStatusController(CurrentWorkspace workspace, KeeperConfigs configs, KeeperGovernance governance,
			KeeperRequests requests, JdbcTemplate jdbc) {
		this.workspace = workspace;
		this.configs = configs;
		this.governance = governance;
		this.requests = requests;
		this.jdbc = jdbc;
	}

	record Status(boolean enabled, String enabledSource, boolean gatekeeperConfigured, String model, String modelSource,
			String ollamaUrl, String ollamaUrlSource, boolean ollamaProbed, boolean ollamaOnline,
			String govModelProvider, String govModel, boolean govModelConfigured, boolean govModelDegraded,
			String govModelDegradeReason, int secretCount, int totalRequests, int allowCount, int denyCount,
			int escalateCount) {
	}

	@GetMapping("/api/v1/system/keeper")
	Status status(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.workspace.authorise(caller, request, Action.MANAGE).workspaceId();
		KeeperConfigs.ConfigView config = this.configs.view(workspaceId);
		KeeperGovernance.View gov = this.governance.view(workspaceId);
		KeeperRequests.Counts counts = this.requests.counts(workspaceId);
		Integer secrets = this.jdbc.queryForObject(
				"select count(*) from credentials where workspace_id = ? and deleted_at is null", Integer.class,
				workspaceId);
		return new Status(config.enabled().value(), config.enabled().source(), config.judgeConfigured(),
				config.judgeModel().value(), config.judgeModel().source(), config.judgeEndpointUrl().value(),
				config.judgeEndpointUrl().source(), false, false, gov.govModelProvider(), gov.govModelId(),
				!gov.govModelProvider().isEmpty() && !gov.govModelId().isEmpty(), false, "",
				(secrets != null) ? secrets : 0, counts.total(), counts.allow(), counts.deny(), counts.escalate());
	}

}
