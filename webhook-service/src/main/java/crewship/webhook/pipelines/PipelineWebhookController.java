package crewship.webhook.pipelines;

import java.net.URI;
import java.util.List;

import jakarta.validation.Valid;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.PageParams;

/**
 * Pipeline-webhook administration (workspace members, the seed's RBAC) and dispatch (the
 * token plus its HMAC, verified at the gateway).
 */
@RestController
class PipelineWebhookController {

	private final PipelineWebhooks webhooks;

	private final PipelineDispatch dispatch;

	PipelineWebhookController(PipelineWebhooks webhooks, PipelineDispatch dispatch) {
		this.webhooks = webhooks;
		this.dispatch = dispatch;
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/pipeline-webhooks")
	List<PipelineWebhookView> list(@PathVariable String workspaceId, @PageParams.Defaults(limit = 50) PageParams page,
			IdentityAssertion caller) {
		return this.webhooks.list(caller, workspaceId, page);
	}

	/** 201 with the signing secret, the one time it is shown: never cached. */
	@PostMapping("/api/v1/workspaces/{workspaceId}/pipeline-webhooks")
	ResponseEntity<PipelineWebhookView> create(@PathVariable String workspaceId,
			@Valid @RequestBody CreatePipelineWebhook body, IdentityAssertion caller) {
		PipelineWebhookView created = this.webhooks.create(caller, workspaceId, body);
		return ResponseEntity
			.created(URI.create("/api/v1/workspaces/" + workspaceId + "/pipeline-webhooks/" + created.id()))
			.cacheControl(CacheControl.noStore())
			.body(created);
	}

	@DeleteMapping("/api/v1/workspaces/{workspaceId}/pipeline-webhooks/{webhookId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String workspaceId, @PathVariable String webhookId, IdentityAssertion caller) {
		this.webhooks.delete(caller, workspaceId, webhookId);
	}

	/** 202 for a first delivery and for its duplicates alike (then DEDUPED). */
	@PostMapping("/api/v1/webhooks/{token}")
	ResponseEntity<PipelineDispatch.Dispatched> dispatch(@PathVariable String token, @RequestHeader HttpHeaders headers,
			@RequestBody(required = false) byte[] body, IdentityAssertion caller) {
		return ResponseEntity.status(HttpStatus.ACCEPTED)
			.body(this.dispatch.dispatch(caller, token, headers, (body != null) ? body : new byte[0]));
	}

}
