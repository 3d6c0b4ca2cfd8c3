package crewship.webhook.triggers;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;

/**
 * {@code POST /api/v1/webhooks/{crewId}/{agentId}/trigger}: the gateway has verified the
 * signature with the vault and forwards the raw body; 202 means the delivery is on Kafka.
 */
@RestController
class AgentTriggerController {

	private final AgentTriggers triggers;

	AgentTriggerController(AgentTriggers triggers) {
		this.triggers = triggers;
	}

	/** The page's answer, the same for a first delivery and its duplicates. */
	record Accepted(String status) {

		static final Accepted ACCEPTED = new Accepted("accepted");

	}

	@PostMapping("/api/v1/webhooks/{crewId}/{agentId}/trigger")
	ResponseEntity<Accepted> trigger(@PathVariable String crewId, @PathVariable String agentId,
			@RequestHeader(name = "X-Signature", required = false) String signature,
			@RequestHeader(name = "X-Timestamp", required = false) String timestamp,
			@RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
			@RequestHeader(name = "Content-Type", required = false) String contentType,
			@RequestBody(required = false) byte[] body, IdentityAssertion caller) {
		this.triggers.trigger(caller, crewId, agentId, new AgentTriggers.Presented(signature, timestamp, idempotencyKey,
				contentType, (body != null) ? body : new byte[0]));
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Accepted.ACCEPTED);
	}

}
