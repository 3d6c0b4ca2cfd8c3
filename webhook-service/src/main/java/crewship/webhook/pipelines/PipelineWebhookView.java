package crewship.webhook.pipelines;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.JsonNode;

/**
 * A pipeline webhook as the API shows it, with its fire telemetry from the delivery
 * records. {@code signing_secret} is present only in the answer to its creation.
 *
 * @param rateLimitPerMin as configured; zero or negative means the server floor
 * @param fireCount deliveries accepted for it (duplicates not counted)
 * @param targetPipelineId the routine by id, left out when it is named by slug (the
 * reference schema has strings there, never null)
 * @param lastRunId the latest delivery's run id (left out before the first)
 * @param lastStatus the latest delivery's run status (left out before the first)
 */
record PipelineWebhookView(String id, String workspaceId, String name, String token,
		@JsonInclude(JsonInclude.Include.NON_NULL) String targetPipelineId,
		@JsonInclude(JsonInclude.Include.NON_NULL) String targetPipelineSlug, Integer targetPipelineVersion,
		JsonNode inputsTemplate, boolean enabled, int rateLimitPerMin, boolean signingSecretSet,
		@JsonInclude(JsonInclude.Include.NON_NULL) String signingSecret, long fireCount, Instant lastFiredAt,
		@JsonInclude(JsonInclude.Include.NON_NULL) String lastRunId,
		@JsonInclude(JsonInclude.Include.NON_NULL) String lastStatus, Instant createdAt, Instant updatedAt) {

	PipelineWebhookView withSigningSecret(String secret) {
		return new PipelineWebhookView(this.id, this.workspaceId, this.name, this.token, this.targetPipelineId,
				this.targetPipelineSlug, this.targetPipelineVersion, this.inputsTemplate, this.enabled,
				this.rateLimitPerMin, this.signingSecretSet, secret, this.fireCount, this.lastFiredAt, this.lastRunId,
				this.lastStatus, this.createdAt, this.updatedAt);
	}

}
