package crewship.vault.probes;

/**
 * The page's answer to a test: {@code supported} says whether a real probe ran, so
 * {@code valid} without it means "not checked". {@code status} is the provider's HTTP
 * status (0 when none answered); {@code credentialStatus} is what a stored credential
 * becomes.
 */
public record ProbeResult(boolean valid, int status, String error, boolean supported,
		@com.fasterxml.jackson.annotation.JsonIgnore String credentialStatus) {

	static ProbeResult unsupported(String why) {
		return new ProbeResult(true, 0, why, false, null);
	}

}
