package crewship.webhook.pipelines;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import crewship.platform.ids.Slug;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/workspaces/{id}/pipeline-webhooks}: the target by slug or id (at
 * least one), the rest optional. {@code signing_secret} is the client's own secret, else
 * the vault generates one.
 */
record CreatePipelineWebhook(@Size(max = 200) String name, @Slug String targetPipelineSlug,
		@Size(max = 64) @Pattern(regexp = "^[A-Za-z0-9_-]+$",
				message = "must be letters, digits, '-' or '_'") String targetPipelineId,
		@Positive Integer targetPipelineVersion,
		@Size(min = 16, max = 256, message = "must be 16-256 characters") String signingSecret, JsonNode inputsTemplate,
		Boolean enabled, Integer rateLimitPerMin) {

}
