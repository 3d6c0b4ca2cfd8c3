package crewship.auth.license;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/**
 * Loads the license file once at startup: {@code {"payload": "<claims JSON>",
 * "signature": "<base64 Ed25519>"}}, verified against the public key configured for this
 * build ({@code CREWSHIP_LICENSE_PUBLIC_KEY}). No file, a bad signature or an expired
 * license all fall back to the community defaults, with the reason logged.
 */
@Component
public class Licenses {

	private static final Logger log = LoggerFactory.getLogger(Licenses.class);

	/**
	 * DER prefix turning a raw 32-byte Ed25519 key into an X.509 SubjectPublicKeyInfo.
	 */
	private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private volatile License current;

	Licenses(@Value("${crewship.license.file:}") String file,
			@Value("${crewship.license.public-key:}") String publicKey) {
		this.current = load(file, publicKey, Clock.systemUTC());
	}

	public License current() {
		return this.current;
	}

	/**
	 * @throws ProblemException 402 when a verified license caps the members and adding
	 * {@code adding} more would exceed it
	 */
	public void requireMemberRoom(long members, int adding) {
		License license = this.current;
		if (license.licensed() && license.maxMembers() > 0 && members + adding > license.maxMembers()) {
			throw new ProblemException(org.springframework.http.HttpStatus.PAYMENT_REQUIRED,
					"The " + license.edition() + " license allows " + license.maxMembers()
							+ " members per workspace; this workspace has " + members);
		}
	}

	/** For tests: run under another license. */
	void install(License license) {
		this.current = license;
	}

	static License load(String file, String publicKey, Clock clock) {
		if (file == null || file.isBlank()) {
			return License.community();
		}
		try {
			JsonNode envelope = JSON.readTree(Files.readString(Path.of(file)));
			String payload = envelope.path("payload").asString("");
			byte[] signature = Base64.getDecoder().decode(envelope.path("signature").asString(""));
			if (publicKey == null || publicKey.isBlank()) {
				log.warn("License file {} ignored: no public key configured (CREWSHIP_LICENSE_PUBLIC_KEY)", file);
				return License.community();
			}
			Signature verifier = Signature.getInstance("Ed25519");
			verifier.initVerify(publicKey(publicKey));
			verifier.update(payload.getBytes(StandardCharsets.UTF_8));
			if (!verifier.verify(signature)) {
				log.warn("License file {} ignored: signature does not verify", file);
				return License.community();
			}
			JsonNode claims = JSON.readTree(payload);
			Instant expires = claims.hasNonNull("expires_at") ? Instant.ofEpochSecond(claims.get("expires_at").asLong())
					: null;
			if (expires != null && !expires.isAfter(clock.instant())) {
				log.warn("License {} expired at {}; community defaults apply", claims.path("license_id").asString(""),
						expires);
				return License.community();
			}
			List<String> features = claims.path("features").valueStream().map(JsonNode::asString).toList();
			return new License(claims.path("license_id").asString(""), claims.path("licensee_name").asString(""),
					claims.path("licensee_org").asString(""), claims.path("edition").asString("community"),
					claims.path("max_crews").asInt(0), claims.path("max_agents_per_crew").asInt(0),
					claims.path("max_members").asInt(0), features,
					claims.hasNonNull("issued_at") ? Instant.ofEpochSecond(claims.get("issued_at").asLong()) : null,
					expires, true);
		}
		catch (IOException | JacksonException | GeneralSecurityException | IllegalArgumentException ex) {
			log.warn("License file {} ignored: {}", file, ex.getMessage());
			return License.community();
		}
	}

	private static PublicKey publicKey(String base64) throws GeneralSecurityException {
		byte[] key = Base64.getDecoder().decode(base64.trim());
		if (key.length == 32) {
			byte[] x509 = new byte[ED25519_X509_PREFIX.length + 32];
			System.arraycopy(ED25519_X509_PREFIX, 0, x509, 0, ED25519_X509_PREFIX.length);
			System.arraycopy(key, 0, x509, ED25519_X509_PREFIX.length, 32);
			key = x509;
		}
		return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(key));
	}

}
