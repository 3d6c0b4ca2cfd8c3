package crewship.platform.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random secrets and their stored form: tokens are minted from a CSPRNG as hex, and only
 * their SHA-256 is kept, so a lookup compares digests, never secrets.
 */
public final class Secrets {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Secrets() {
	}

	/**
	 * @return {@code bytes} random bytes as lowercase hex (32 bytes = 256 bits)
	 */
	public static String randomHex(int bytes) {
		byte[] secret = new byte[bytes];
		RANDOM.nextBytes(secret);
		return HexFormat.of().formatHex(secret);
	}

	/**
	 * @return the SHA-256 of the value's UTF-8 bytes, as lowercase hex
	 */
	public static String sha256Hex(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
