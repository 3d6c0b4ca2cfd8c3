package crewship.platform.identity;

import java.nio.file.Path;
import java.text.ParseException;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import crewship.platform.secrets.KeyFile;

/**
 * An ES256 signing key that every replica of its service must share (whoever verifies may
 * fetch the JWKS from any replica): from an environment value (a private EC P-256 JWK),
 * else a key file; a local run without either generates one into the key file and reuses
 * it on restart.
 */
public final class SigningKeys {

	private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

	private final ECKey signingKey;

	private SigningKeys(ECKey signingKey) {
		this.signingKey = signingKey;
	}

	/**
	 * @param jwk the key as JSON, or null/blank
	 * @param file where to read the key from, or keep a generated one; may be null
	 * @param variable the environment variable that should hold the key, for messages
	 */
	public static SigningKeys load(String jwk, Path file, String variable) {
		try {
			if (jwk != null && !jwk.isBlank()) {
				return new SigningKeys(ECKey.parse(jwk));
			}
			if (file != null) {
				KeyFile.Read read = KeyFile.readOrCreate(file, SigningKeys::generatedJson);
				if (read.created()) {
					log.info("Generated a signing key into {}", file);
				}
				return new SigningKeys(ECKey.parse(read.content()));
			}
			log.warn("No signing key configured: generated one for this process only; "
					+ "other replicas will not trust what it signs. Set {}.", variable);
			return new SigningKeys(ECKey.parse(generatedJson()));
		}
		catch (ParseException ex) {
			throw new IllegalStateException(variable + " is not a private EC P-256 JWK", ex);
		}
	}

	private static String generatedJson() {
		try {
			return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
				.keyID(UUID.randomUUID().toString())
				.generate()
				.toJSONString();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot generate an EC P-256 key", ex);
		}
	}

	public ECKey signingKey() {
		return this.signingKey;
	}

	/** The public half as a JWK set, for the JWKS endpoint. */
	public Map<String, Object> publicJwks() {
		return new JWKSet(this.signingKey.toPublicJWK()).toJSONObject(true);
	}

}
