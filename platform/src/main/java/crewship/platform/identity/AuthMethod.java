package crewship.platform.identity;

import java.util.Arrays;

/**
 * How the gateway authenticated the caller; {@code ANONYMOUS} means it found no
 * credential.
 */
public enum AuthMethod {

	SESSION("session"), CLI("cli"), WS("ws"), INTERNAL("internal"), WEBHOOK("webhook"), ANONYMOUS("anonymous");

	private final String claim;

	AuthMethod(String claim) {
		this.claim = claim;
	}

	public String claim() {
		return this.claim;
	}

	public static AuthMethod fromClaim(String claim) {
		return Arrays.stream(values())
			.filter(method -> method.claim.equals(claim))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown authentication method " + claim));
	}

}
