package crewship.gateway.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

import crewship.gateway.GatewayProperties;

/**
 * The key that signs identity assertions. Every replica must hold the same key (services
 * verify against whichever replica serves the JWKS), so it comes from
 * {@code CREWSHIP_GATEWAY_SIGNING_KEY} or a key file; a local run without either
 * generates one into the key file and reuses it.
 */
public final class GatewayKeys {

	private static final Logger log = LoggerFactory.getLogger(GatewayKeys.class);

	private final ECKey signingKey;

	private GatewayKeys(ECKey signingKey) {
		this.signingKey = signingKey;
	}

	public static GatewayKeys load(GatewayProperties properties) {
		try {
			if (properties.signingKey() != null && !properties.signingKey().isBlank()) {
				return new GatewayKeys(ECKey.parse(properties.signingKey()));
			}
			Path file = properties.signingKeyFile();
			if (file != null && Files.exists(file)) {
				return new GatewayKeys(ECKey.parse(Files.readString(file)));
			}
			ECKey generated = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
				.keyID(UUID.randomUUID().toString())
				.generate();
			if (file != null) {
				Files.createDirectories(file.toAbsolutePath().getParent());
				Files.writeString(file, generated.toJSONString());
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
				log.info("Generated the identity signing key into {}", file);
			}
			else {
				log.warn("No identity signing key configured: generated one for this process only; "
						+ "replicas will not trust each other's assertions. Set CREWSHIP_GATEWAY_SIGNING_KEY.");
			}
			return new GatewayKeys(generated);
		}
		catch (ParseException | JOSEException ex) {
			throw new IllegalStateException("The identity signing key is not a private EC P-256 JWK", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public ECKey signingKey() {
		return this.signingKey;
	}

	/** The public half, as served at {@code /api/v1/internal/jwks}. */
	public Map<String, Object> publicJwks() {
		return new JWKSet(this.signingKey.toPublicJWK()).toJSONObject(true);
	}

}
