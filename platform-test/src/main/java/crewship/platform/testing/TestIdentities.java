package crewship.platform.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;

/**
 * Stands in for the gateway's signing key in service tests: the service under test trusts
 * this key, and tests mint assertions with it exactly as the gateway would.
 */
public final class TestIdentities {

	private static final ECKey GATEWAY_KEY = generate("test-gateway");

	private static final IdentityAssertionSigner SIGNER = new IdentityAssertionSigner(GATEWAY_KEY);

	private TestIdentities() {
	}

	/** A signed assertion header value for a signed-in user (session cookie). */
	public static String user(String userId) {
		return sign(new IdentityAssertion(userId, AuthMethod.SESSION, "sess-" + userId, null));
	}

	/** A signed-in browser user on a given session. */
	public static String session(String userId, String sessionId) {
		return sign(new IdentityAssertion(userId, AuthMethod.SESSION, sessionId, null));
	}

	/** A caller with a CLI token. */
	public static String cli(String userId, String tokenId) {
		return sign(new IdentityAssertion(userId, AuthMethod.CLI, tokenId, null));
	}

	/** The internal token's caller (the gateway, a sidecar, another service). */
	public static String internal() {
		return sign(new IdentityAssertion("internal", AuthMethod.INTERNAL, null, null));
	}

	/** A signed assertion for a request that carried no credential. */
	public static String anonymous() {
		return sign(IdentityAssertion.anonymous());
	}

	public static String sign(IdentityAssertion assertion) {
		return SIGNER.sign(assertion);
	}

	/** A key that is not the gateway's: assertions signed with it must be refused. */
	public static IdentityAssertionSigner foreignSigner() {
		return new IdentityAssertionSigner(generate("forger"));
	}

	static ECKey generate(String keyId) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Makes the service under test trust the test gateway key. */
	@TestConfiguration(proxyBeanMethods = false)
	public static class GatewayKeys {

		@Bean
		JWKSource<SecurityContext> gatewayKeys() {
			return new ImmutableJWKSet<>(new JWKSet(GATEWAY_KEY.toPublicJWK()));
		}

	}

}
