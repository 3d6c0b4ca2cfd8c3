package crewship.vault.crypto;

/**
 * A value could not be opened: unknown master key, wrong key, or a tampered envelope. It
 * never carries key material or plaintext.
 */
public class VaultCryptoException extends RuntimeException {

	VaultCryptoException(String message, Throwable cause) {
		super(message, cause);
	}

}
