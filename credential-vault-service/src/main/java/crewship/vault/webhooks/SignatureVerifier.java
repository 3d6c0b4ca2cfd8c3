package crewship.vault.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature rules of the webhooks page, as a pure function of the stored secret and
 * what the sender presented: {@code X-Signature} over the raw body or over
 * {@code "{timestamp}.{body}"} with a timestamp within ±5 minutes, the deprecated
 * plaintext {@code X-Webhook-Secret}, and an agent's {@code webhook_require_timestamp}.
 * Every comparison is constant-time.
 */
final class SignatureVerifier {

	static final Duration TOLERANCE = Duration.ofMinutes(5);

	/**
	 * The one answer for a pipeline token that takes no deliveries, whatever the reason.
	 */
	static final String NO_SUCH_WEBHOOK = "No such webhook";

	private SignatureVerifier() {
	}

	/** What the sender presented; any part may be null. */
	record Presented(byte[] body, String signature, String timestamp, String plaintextSecret) {
	}

	/**
	 * The verdict and the status the page gives it: 200 valid, 401 missing or wrong, 400
	 * for a malformed or stale timestamp or a scheme the target no longer accepts.
	 */
	record Verdict(boolean valid, int status, String reason, boolean deprecated) {

		static Verdict valid(boolean deprecated) {
			return new Verdict(true, 200, "valid", deprecated);
		}

		static Verdict refused(int status, String reason) {
			return new Verdict(false, status, reason, false);
		}

	}

	/**
	 * An agent trigger.
	 * @param secret the stored secret, or null when the agent has none (never valid)
	 */
	static Verdict agent(byte[] secret, boolean requireTimestamp, Presented presented, Instant now) {
		if (presented.signature() == null && presented.plaintextSecret() == null) {
			return Verdict.refused(401, "X-Signature or X-Webhook-Secret is required");
		}
		if (presented.timestamp() != null) {
			Verdict stale = checkTimestamp(presented.timestamp(), now, 400);
			if (stale != null) {
				return stale;
			}
		}
		if (presented.signature() != null) {
			if (presented.timestamp() == null && requireTimestamp) {
				return Verdict.refused(400,
						"This agent requires X-Timestamp: sign \"{timestamp}.{body}\" and send X-Timestamp");
			}
			return signatureMatches(secret, presented) ? Verdict.valid(false)
					: Verdict.refused(401, "Invalid signature");
		}
		if (requireTimestamp) {
			return Verdict.refused(400, "This agent requires X-Timestamp: X-Webhook-Secret is no longer accepted; "
					+ "sign \"{timestamp}.{body}\" with X-Signature and send X-Timestamp");
		}
		return (secret != null && digestsEqual(secret, presented.plaintextSecret().getBytes(StandardCharsets.UTF_8)))
				? Verdict.valid(true) : Verdict.refused(401, "Invalid webhook secret");
	}

	/**
	 * A pipeline dispatch: the signature is required and a stale timestamp is 401, as the
	 * pipeline table says.
	 */
	static Verdict pipeline(byte[] secret, Presented presented, Instant now) {
		if (presented.signature() == null) {
			return Verdict.refused(401, "X-Crewship-Signature is required");
		}
		if (presented.timestamp() != null) {
			Verdict stale = checkTimestamp(presented.timestamp(), now, 401);
			if (stale != null) {
				return stale;
			}
		}
		return signatureMatches(secret, presented) ? Verdict.valid(false) : Verdict.refused(401, "Invalid signature");
	}

	private static Verdict checkTimestamp(String timestamp, Instant now, int status) {
		long seconds;
		try {
			seconds = Long.parseLong(timestamp.trim());
		}
		catch (NumberFormatException ex) {
			return Verdict.refused(status, "X-Timestamp must be unix seconds");
		}
		if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
			return Verdict.refused(status, "X-Timestamp is outside the 5-minute window");
		}
		return null;
	}

	private static boolean signatureMatches(byte[] secret, Presented presented) {
		if (secret == null) {
			return false;
		}
		byte[] expected = HexFormat.of().formatHex(hmac(secret, presented)).getBytes(StandardCharsets.US_ASCII);
		byte[] given = presented.signature().trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
		return MessageDigest.isEqual(expected, given);
	}

	static byte[] hmac(byte[] secret, Presented presented) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			if (presented.timestamp() != null) {
				mac.update((presented.timestamp().trim() + ".").getBytes(StandardCharsets.UTF_8));
			}
			return mac.doFinal((presented.body() != null) ? presented.body() : new byte[0]);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is unavailable", ex);
		}
	}

	/**
	 * Compares digests, so neither the secret's length nor a prefix leaks through timing.
	 */
	private static boolean digestsEqual(byte[] a, byte[] b) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			byte[] left = sha.digest(a);
			return MessageDigest.isEqual(left, MessageDigest.getInstance("SHA-256").digest(b));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
