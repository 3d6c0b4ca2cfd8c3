package crewship.auth.onboarding;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.settings.InstanceSettings;
import crewship.auth.workspaces.WorkspaceChanges;
import crewship.auth.workspaces.WorkspaceContext;
import crewship.auth.workspaces.WorkspaceService;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/**
 * The first-run wizard of the current workspace. Its workspace steps (name, language,
 * telemetry choice) happen here; its crew, agent and credential steps belong to
 * crew-service and credential-vault-service, which do not serve them yet, so a setup that
 * asks for them is refused whole (501) rather than half done.
 */
@RestController
class OnboardingController {

	private final WorkspaceContext context;

	private final WorkspaceService workspaces;

	private final InstanceSettings settings;

	OnboardingController(WorkspaceContext context, WorkspaceService workspaces, InstanceSettings settings) {
		this.context = context;
		this.workspaces = workspaces;
		this.settings = settings;
	}

	record Status(boolean completed, Instant completedAt) {
	}

	record Setup(@Size(min = 2, max = 100) String workspaceName, @Size(max = 50) String preferredLanguage,
			Boolean telemetryOptIn, String crewName, String crewTemplateSlug, String agentName, String cliAdapter,
			String llmProvider, String llmModel, String credentialName, String credentialValue, Boolean pairingMode) {

		List<String> stepsOfOtherServices() {
			List<String> steps = new ArrayList<>();
			if (this.crewName != null || this.crewTemplateSlug != null) {
				steps.add("crew");
			}
			if (this.agentName != null || this.cliAdapter != null || this.llmProvider != null || this.llmModel != null
					|| Boolean.TRUE.equals(this.pairingMode)) {
				steps.add("agent");
			}
			if (this.credentialName != null || this.credentialValue != null) {
				steps.add("credential");
			}
			return steps;
		}

	}

	@GetMapping("/api/v1/onboarding/status")
	Status status(IdentityAssertion caller, HttpServletRequest request) {
		Instant completed = this.workspaces.onboardingCompletedAt(caller, this.context.require(caller, request))
			.orElse(null);
		return new Status(completed != null, completed);
	}

	@PostMapping("/api/v1/onboarding/complete")
	Map<String, Object> complete(
			/* parsed only to refuse a malformed body */ @RequestBody(required = false) JsonNode ignoredBody,
			IdentityAssertion caller, HttpServletRequest request) {
		this.workspaces.completeOnboarding(caller, this.context.require(caller, request));
		return Map.of("status", "completed");
	}

	@PostMapping("/api/v1/onboarding/setup")
	@Transactional
	Map<String, Object> setup(@Valid @RequestBody Setup setup, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.context.require(caller, request);
		List<String> elsewhere = setup.stepsOfOtherServices();
		if (!elsewhere.isEmpty()) {
			throw new ProblemException(HttpStatus.NOT_IMPLEMENTED, "The " + String.join(", ", elsewhere)
					+ " step(s) of the guided setup need crew-service and credential-vault-service, which do not "
					+ "serve them yet; nothing was changed. Send only workspace_name, preferred_language and "
					+ "telemetry_opt_in.");
		}
		this.workspaces.update(caller, workspaceId,
				WorkspaceChanges.renamed(setup.workspaceName(), setup.preferredLanguage()));
		if (setup.telemetryOptIn() != null) {
			this.settings.put(workspaceId, caller.subject(), "telemetry.opt_in", setup.telemetryOptIn().toString());
		}
		return Map.of("workspace_id", workspaceId);
	}

}
