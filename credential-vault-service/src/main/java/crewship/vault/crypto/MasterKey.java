package crewship.vault.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 master key and the id stored beside every data key it wraps, so a record
 * names the key that opens it and several master keys can coexist during re-encryption.
 */
public record MasterKey(String id, SecretKey key) {

	static final int LENGTH = 32;

	public MasterKey {
		if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
			throw new IllegalArgumentException("A master key id is 1-64 of [A-Za-z0-9._-]");
		}
		if (key.getEncoded().length != LENGTH) {
			throw new IllegalArgumentException("A master key is 32 bytes (AES-256)");
		}
	}

	/**
	 * Parses {@code id:base64} or bare {@code base64}; a bare key gets an id derived from
	 * a digest of the key, stable across restarts and replicas.
	 * @param source names the setting in error messages, never the value
	 */
	public static MasterKey parse(String text, String source) {
		String value = text.trim();
		int colon = value.indexOf(':');
		String id = (colon > 0) ? value.substring(0, colon) : null;
		byte[] raw;
		try {
			raw = Base64.getDecoder().decode((colon > 0) ? value.substring(colon + 1) : value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(source + " is not base64 (expected [id:]base64 of 32 random bytes)");
		}
		if (raw.length != LENGTH) {
			throw new IllegalStateException(
					source + " decodes to " + raw.length + " bytes; a master key is 32 random bytes (AES-256)");
		}
		try {
			return new MasterKey((id != null) ? id : derivedId(raw), new SecretKeySpec(raw, "AES"));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(source + ": " + ex.getMessage());
		}
	}

	/** The file form, {@code id:base64}. */
	String encode() {
		return this.id + ":" + Base64.getEncoder().encodeToString(this.key.getEncoded());
	}

	static String derivedId(byte[] raw) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update("crewship-vault-master-key-id".getBytes(StandardCharsets.UTF_8));
			return "mk-" + HexFormat.of().formatHex(digest.digest(raw), 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return "MasterKey[" + this.id + "]";
	}

}
