package crewship.mission.completions;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;

/**
 * {@code POST /api/v1/internal/completions}: one-shot completions for crew-service's
 * authoring features (skill generation, the AI crew wizard), through the gateway's
 * internal listener only.
 */
@RestController
class CompletionController {

	private final Completions completions;

	CompletionController(Completions completions) {
		this.completions = completions;
	}

	/**
	 * @param purpose what the call is for ({@code skill.generate}, {@code crew.suggest}),
	 * logged with its tokens and cost
	 * @param model a model instead of the provider's default; null for the default
	 */
	record CompletionRequest(@NotBlank @Size(max = 64) String workspaceId, @Size(max = 64) String purpose,
			@Size(max = 200) String model, @Size(max = 50_000) String system,
			@NotBlank @Size(max = 200_000) String prompt, @Min(1) @Max(16_384) Integer maxTokens) {
	}

	record CompletionResponse(String text, String provider, String model, long inputTokens, long outputTokens,
			double costUsd) {
	}

	@PostMapping("/api/v1/internal/completions")
	CompletionResponse complete(@Valid @RequestBody CompletionRequest request, IdentityAssertion caller)
			throws InterruptedException {
		InternalCallers.require(caller);
		return this.completions.complete(request);
	}

}
