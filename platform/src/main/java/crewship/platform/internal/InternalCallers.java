package crewship.platform.internal;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;

/**
 * The gate of a {@code /api/v1/internal/**} handler: only the internal token's caller
 * (through the gateway's internal listener) gets past; anyone else is told the path does
 * not exist.
 */
public final class InternalCallers {

	private InternalCallers() {
	}

	public static void require(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.INTERNAL) {
			throw ProblemException.notFound("No endpoint");
		}
	}

}
