package crewship.webhook.pipelines;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.web.ProblemException;
import crewship.webhook.deliveries.Deliveries.Receipt;
import crewship.webhook.deliveries.Delivery;
import crewship.webhook.deliveries.Delivery.TargetKind;
import crewship.webhook.deliveries.DeliveryAdmission;
import crewship.webhook.ratelimit.TargetRateLimits;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/webhooks/{token}}: the gateway's fifth authenticator has already
 * asked the vault, which answers 401 for a bad signature and 404 for a token that is
 * unknown, disabled or deleted; this admits what it verified. The delivery carries the
 * routine's inputs — {@code inputs_template} under the request-derived {@code event},
 * {@code raw} and {@code headers} — and is enqueued and deduplicated exactly as an agent
 * trigger is.
 */
@Service
class PipelineDispatch {

	/** The target the vault names in its verdict for a pipeline webhook's secret. */
	static final String PIPELINE_TARGET_PREFIX = "webhook.pipeline:";

	/**
	 * The one answer for a token that takes no deliveries (the vault's too): unknown,
	 * disabled and deleted are deliberately indistinguishable.
	 */
	static final String NO_SUCH_WEBHOOK = "No such webhook";

	/** Credentials and hop-by-hop headers: never part of a routine's inputs. */
	private static final Set<String> WITHHELD_HEADERS = Set.of("authorization", "cookie", "x-crewship-identity",
			"x-internal-token", "x-webhook-secret", "x-crewship-signature", "x-signature", "host", "content-length",
			"connection", "transfer-encoding", "keep-alive", "upgrade", "forwarded", "x-forwarded-for",
			"x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-prefix", "x-real-ip");

	private final PipelineWebhooks webhooks;

	private final TargetRateLimits limits;

	private final DeliveryAdmission admission;

	private final JsonMapper json;

	PipelineDispatch(PipelineWebhooks webhooks, TargetRateLimits limits, DeliveryAdmission admission, JsonMapper json) {
		this.webhooks = webhooks;
		this.limits = limits;
		this.admission = admission;
		this.json = json;
	}

	/** The page's answer. */
	record Dispatched(String runId, String status, boolean deduped) {
	}

	Dispatched dispatch(IdentityAssertion caller, String token, HttpHeaders headers, byte[] body) {
		String tokenSha256 = Secrets.sha256Hex(token);
		requireSignedFor(caller, tokenSha256);
		// found by the hash (an index lookup on a digest, no comparison of the token
		// itself); a webhook disabled or deleted since the gateway asked is the same 404
		PipelineWebhooks.Target target = this.webhooks.live(tokenSha256)
			.orElseThrow(() -> ProblemException.notFound(NO_SUCH_WEBHOOK));
		this.limits.takeForPipeline(target.id(), target.rateLimitPerMin());
		Delivery delivery = new Delivery(Cuid.next(), TargetKind.PIPELINE, target.id(), target.workspaceId(), null,
				signatureIdentity(target.id(), headers), keyIdentity(target.id(), headers), body,
				headers.getFirst(HttpHeaders.CONTENT_TYPE), inputs(target, headers, body));
		Receipt receipt = this.admission.admit(delivery);
		return receipt.fresh() ? new Dispatched(receipt.deliveryId(), "PENDING", false)
				: new Dispatched(receipt.deliveryId(), "DEDUPED", true);
	}

	/**
	 * Only the gateway's verdict for this very token's secret admits a delivery; anything
	 * else (no verdict, another target's) is the page's 401.
	 */
	private static void requireSignedFor(IdentityAssertion caller, String tokenSha256) {
		if (caller.method() != AuthMethod.WEBHOOK || caller.target() == null) {
			throw ProblemException.unauthorized("X-Crewship-Signature is required");
		}
		byte[] expected = (PIPELINE_TARGET_PREFIX + tokenSha256).getBytes(StandardCharsets.UTF_8);
		if (!MessageDigest.isEqual(expected, caller.target().getBytes(StandardCharsets.UTF_8))) {
			throw ProblemException.unauthorized("The signature was not verified for this webhook");
		}
	}

	/**
	 * Identical signed deliveries are one delivery: the signature with the timestamp it
	 * covers (hex case-insensitive).
	 */
	static String signatureIdentity(String webhookId, HttpHeaders headers) {
		String signature = headers.getFirst("X-Crewship-Signature");
		if (signature == null || signature.isBlank()) {
			return null;
		}
		String timestamp = headers.getFirst("X-Crewship-Timestamp");
		return Secrets.sha256Hex("pipeline\n" + webhookId + "\nsignature\n"
				+ ((timestamp != null) ? timestamp.trim() : "") + "\n" + signature.trim().toLowerCase(Locale.ROOT));
	}

	/**
	 * The sender's own identity, {@code Idempotency-Key} or else
	 * {@code X-Crewship-Event-ID}: a re-signed retry of one event is one delivery too. It
	 * adds to the signature identity, never replaces it, so a replay cannot buy a second
	 * run with a fresh key.
	 */
	static String keyIdentity(String webhookId, HttpHeaders headers) {
		String key = headers.getFirst("Idempotency-Key");
		if (key == null || key.isBlank()) {
			key = headers.getFirst("X-Crewship-Event-ID");
		}
		if (key == null || key.isBlank()) {
			return null;
		}
		if (key.length() > 255) {
			throw ProblemException.badRequest("Idempotency-Key is at most 255 characters");
		}
		return Secrets.sha256Hex("pipeline\n" + webhookId + "\nkey\n" + key.trim());
	}

	/**
	 * The routine's inputs: the template's keys, then {@code event} (the body as JSON, or
	 * null when it is not JSON), {@code raw} (the body as text, base64 when it is not
	 * UTF-8) and {@code headers} (lower-cased, credentials withheld), which the template
	 * cannot override.
	 */
	private JsonNode inputs(PipelineWebhooks.Target target, HttpHeaders headers, byte[] body) {
		ObjectNode inputs = this.json.createObjectNode();
		if (target.inputsTemplate() != null && target.inputsTemplate().isObject()) {
			inputs.setAll((ObjectNode) target.inputsTemplate());
		}
		inputs.set("event", event(body));
		String text = utf8(body);
		if (text != null) {
			inputs.put("raw", text);
		}
		else {
			inputs.put("raw", Base64.getEncoder().encodeToString(body));
			inputs.put("raw_encoding", "base64");
		}
		ObjectNode forwarded = inputs.putObject("headers");
		for (Map.Entry<String, List<String>> header : headers.headerSet()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (!WITHHELD_HEADERS.contains(name) && !header.getValue().isEmpty()) {
				forwarded.put(name, String.join(", ", header.getValue()));
			}
		}
		ObjectNode pipeline = inputs.putObject("pipeline");
		pipeline.put("webhook_id", target.id());
		pipeline.put("target_pipeline_id", target.targetPipelineId());
		pipeline.put("target_pipeline_slug", target.targetPipelineSlug());
		if (target.targetPipelineVersion() != null) {
			pipeline.put("target_pipeline_version", target.targetPipelineVersion());
		}
		return inputs;
	}

	private JsonNode event(byte[] body) {
		if (body.length == 0) {
			return this.json.nullNode();
		}
		try {
			return this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return this.json.nullNode();
		}
	}

	private static String utf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
