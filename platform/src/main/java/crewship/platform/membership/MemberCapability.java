package crewship.platform.membership;

/**
 * Names of the member capabilities that services other than auth-service gate on.
 * auth-service owns the full set, its presets and the role fallback; these are only the
 * strings both sides must agree on.
 */
public final class MemberCapability {

	/** Create credential rows, beside MANAGER+. */
	public static final String CREDENTIAL_CREATE = "credential.create";

	/** Rotate a credential or end its grace window, beside OWNER/ADMIN. */
	public static final String CREDENTIAL_ROTATE = "credential.rotate";

	/**
	 * Reveal a stored value. Granted per person, in no preset and no role fallback: an
	 * untouched OWNER does not hold it.
	 */
	public static final String CREDENTIALS_REVEAL = "credentials:reveal";

	private MemberCapability() {
	}

}
