package crewship.platform.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The gateway reuses a caller's signed assertion and the services remember what they
 * verified: neither may let through anything a fresh verification would refuse.
 */
class IdentityAssertionReuseTests {

	private final ECKey gatewayKey = key("gateway");

	private final IdentityAssertionSigner signer = new IdentityAssertionSigner(this.gatewayKey);

	private final IdentityAssertionVerifier verifier = new IdentityAssertionVerifier(
			new ImmutableJWKSet<>(new JWKSet(this.gatewayKey.toPublicJWK())));

	private final IdentityAssertion alice = new IdentityAssertion("user-alice", AuthMethod.CLI, "cli-1", null);

	@Test
	void aCallersRequestsCarryOneAssertionAndEachCallerItsOwn() {
		String first = this.signer.sign(this.alice);
		assertThat(this.signer.sign(new IdentityAssertion("user-alice", AuthMethod.CLI, "cli-1", null)))
			.isEqualTo(first);
		// another credential of the same user is another assertion
		String otherToken = this.signer.sign(new IdentityAssertion("user-alice", AuthMethod.CLI, "cli-2", null));
		assertThat(otherToken).isNotEqualTo(first);
		assertThat(this.verifier.verify(otherToken).credentialId()).isEqualTo("cli-2");
		assertThat(this.verifier
			.verify(this.signer.sign(new IdentityAssertion("user-bob", AuthMethod.SESSION, "sess-1", null))))
			.isEqualTo(new IdentityAssertion("user-bob", AuthMethod.SESSION, "sess-1", null));
	}

	@Test
	void aRememberedVerdictIsTheVerifiedAssertion() {
		String token = this.signer.sign(this.alice);
		assertThat(this.verifier.verify(token)).isEqualTo(this.alice);
		assertThat(this.verifier.verify(token)).isEqualTo(this.alice);
	}

	@Test
	void aTokenAlteredAfterItsOriginalWasVerifiedIsRefused() {
		String token = this.signer.sign(this.alice);
		this.verifier.verify(token);
		String[] parts = token.split("\\.");
		char last = parts[2].charAt(parts[2].length() - 2);
		String badSignature = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2)
				+ ((last == 'A') ? 'B' : 'A') + parts[2].charAt(parts[2].length() - 1);
		assertThatExceptionOfType(IdentityAssertionVerifier.InvalidIdentityException.class)
			.isThrownBy(() -> this.verifier.verify(badSignature));
		// the same claims signed by another key, twice: refused both times, never
		// remembered
		String forged = new IdentityAssertionSigner(key("gateway")).sign(this.alice);
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(IdentityAssertionVerifier.InvalidIdentityException.class)
				.isThrownBy(() -> this.verifier.verify(forged));
		}
		assertThat(this.verifier.verify(token)).isEqualTo(this.alice);
	}

	private static ECKey key(String id) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(id).generate();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Keys that could not be fetched (the gateway busy or restarting) are no fault of the
	 * caller: not an invalid assertion (401) but a service that cannot verify yet (503).
	 */
	@Test
	void gatewayKeysThatCannotBeFetchedAreUnavailableNotAnInvalidAssertion() {
		IdentityAssertionVerifier keysAway = new IdentityAssertionVerifier((selector, context) -> {
			throw new KeySourceException("Couldn't retrieve JWK set from URL: Read timed out");
		});

		assertThatExceptionOfType(IdentityAssertionVerifier.KeysUnavailableException.class)
			.isThrownBy(() -> keysAway.verify(this.signer.sign(this.alice)));
	}

}
