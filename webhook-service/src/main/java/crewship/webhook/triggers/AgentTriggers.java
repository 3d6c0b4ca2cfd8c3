package crewship.webhook.triggers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.web.ProblemException;
import crewship.webhook.crews.AgentCrews;
import crewship.webhook.crews.AgentCrews.AgentCrew;
import crewship.webhook.deliveries.Delivery;
import crewship.webhook.deliveries.DeliveryAdmission;
import crewship.webhook.deliveries.Delivery.TargetKind;
import crewship.webhook.deliveries.DeliveryProperties;
import crewship.webhook.ratelimit.TargetRateLimits;

/**
 * Admits an agent webhook delivery the gateway has verified, for an agent of the crew in
 * the path, within the agent's rate limit, and answers only once it is durable on Kafka,
 * or is a duplicate of one that is.
 */
@Service
class AgentTriggers {

	/** The target the vault names in its verdict for an agent's secret. */
	static final String AGENT_TARGET_PREFIX = "webhook.agent:";

	private final DeliveryAdmission admission;

	/**
	 * How long a trigger waits for an agent the projection has not seen: a sender may
	 * fire right after the agent was made, while its event is still on its way.
	 */
	private static final Duration MISS_WAIT = Duration.ofSeconds(3);

	private final AgentCrews crews;

	private final TargetRateLimits limits;

	private final DeliveryProperties properties;

	AgentTriggers(DeliveryAdmission admission, AgentCrews crews, TargetRateLimits limits,
			DeliveryProperties properties) {
		this.admission = admission;
		this.crews = crews;
		this.limits = limits;
		this.properties = properties;
	}

	/** What the sender presented, as forwarded by the gateway. */
	record Presented(String signature, String timestamp, String idempotencyKey, String contentType, byte[] body) {
	}

	/**
	 * @return whether the delivery was new (false: a duplicate within the window, already
	 * queued once)
	 * @throws ProblemException 401 unless the gateway verified a signature for this very
	 * agent and the agent is in {@code crewId}; 429 over the agent's rate limit; 503 with
	 * {@code Retry-After} when the agent is not known here yet or the broker did not
	 * acknowledge the delivery
	 */
	boolean trigger(IdentityAssertion caller, String crewId, String agentId, Presented presented) {
		requireSignedFor(caller, agentId);
		AgentCrew agent = requireInCrew(agentId, crewId);
		this.limits.takeForAgent(agentId);
		Delivery delivery = new Delivery(Cuid.next(), TargetKind.AGENT, agentId, agent.workspaceId(), crewId,
				identity(agentId, presented), null, presented.body(), presented.contentType(), null);
		return this.admission.admit(delivery).fresh();
	}

	/**
	 * The page reads the agent's secret crew-scoped: a secret that verified for an agent
	 * of another crew (or a deleted agent) verifies nothing here, so it is the same 401
	 * as a wrong signature. An agent this service has not heard of within a few seconds
	 * (crew-service's event is late) cannot be checked: 503, retry shortly.
	 */
	private AgentCrew requireInCrew(String agentId, String crewId) {
		AgentCrew agent = this.crews.await(agentId, MISS_WAIT).orElseThrow(() -> {
			ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
					"The agent is not known to the webhook service yet; retry shortly");
			problem.getHeaders()
				.set("Retry-After", Long.toString(Math.max(1, this.properties.retryAfter().toSeconds())));
			return problem;
		});
		if (agent.deleted() || !MessageDigest.isEqual(crewId.getBytes(StandardCharsets.UTF_8),
				String.valueOf(agent.crewId()).getBytes(StandardCharsets.UTF_8))) {
			throw ProblemException.unauthorized("The signature was not verified for this agent in this crew");
		}
		return agent;
	}

	/**
	 * Only the gateway's webhook authenticator vouches for a delivery, and only for the
	 * target whose secret verified it: a verdict for another agent grants nothing here.
	 */
	private static void requireSignedFor(IdentityAssertion caller, String agentId) {
		if (caller.method() != AuthMethod.WEBHOOK || caller.target() == null) {
			throw ProblemException.unauthorized("This endpoint accepts only webhook-signature authentication");
		}
		byte[] expected = (AGENT_TARGET_PREFIX + agentId).getBytes(StandardCharsets.UTF_8);
		if (!MessageDigest.isEqual(expected, caller.target().getBytes(StandardCharsets.UTF_8))) {
			throw ProblemException.unauthorized("The signature was not verified for this agent");
		}
	}

	/**
	 * A signed delivery's identity is its signature (with the timestamp it covers): a
	 * replay of the same signed request is the same delivery whatever
	 * {@code Idempotency-Key} it carries. Only an unsigned (deprecated plaintext-secret)
	 * delivery may name its identity with {@code Idempotency-Key}; without one it has
	 * none.
	 */
	static String identity(String agentId, Presented presented) {
		if (hasText(presented.signature())) {
			// hex is case-insensitive: case variants of one signature are one delivery
			return Secrets.sha256Hex("agent\n" + agentId + "\nsignature\n" + nullToEmpty(presented.timestamp()).trim()
					+ "\n" + presented.signature().trim().toLowerCase(Locale.ROOT));
		}
		if (hasText(presented.idempotencyKey())) {
			return Secrets.sha256Hex("agent\n" + agentId + "\nidempotency-key\n" + presented.idempotencyKey().trim());
		}
		return null;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

}
