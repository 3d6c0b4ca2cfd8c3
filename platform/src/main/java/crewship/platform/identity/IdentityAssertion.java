package crewship.platform.identity;

import crewship.platform.web.ProblemException;

/**
 * Who the gateway says is calling: the caller ({@code sub}), how it authenticated, the
 * session or token id it used, and for webhooks the target. Every request a service
 * serves carries one, signed by the gateway in {@value #HEADER}; a request without a
 * valid one never reaches a handler.
 */
public record IdentityAssertion(String subject, AuthMethod method, String credentialId, String target) {

	public static final String HEADER = "X-Crewship-Identity";

	public static final String ISSUER = "crewship-gateway";

	public static final String AUDIENCE = "crewship-services";

	/** Claim names of the signed form, beside the standard {@code sub}. */
	static final String METHOD_CLAIM = "mth";

	static final String CREDENTIAL_CLAIM = "cid";

	static final String TARGET_CLAIM = "tgt";

	public static IdentityAssertion anonymous() {
		return new IdentityAssertion(null, AuthMethod.ANONYMOUS, null, null);
	}

	public boolean isAuthenticated() {
		return this.method != AuthMethod.ANONYMOUS && this.subject != null;
	}

	/**
	 * For endpoints that act for a person (session cookie, CLI token, WebSocket token).
	 * @return the user's id
	 * @throws ProblemException 401 for anonymous, internal and webhook callers
	 */
	public String requireUser() {
		boolean user = this.method == AuthMethod.SESSION || this.method == AuthMethod.CLI
				|| this.method == AuthMethod.WS;
		if (!user || this.subject == null) {
			throw ProblemException.unauthorized("Authentication required");
		}
		return this.subject;
	}

}
