package crewship.vault.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption with the JDK alone: every value gets a fresh AES-256 data key; the
 * value is AES-256-GCM encrypted under it with the caller's associated data (which ties
 * the ciphertext to its record), and the data key is AES-256-GCM wrapped under the
 * current master key with the key id and the same associated data. Opening with the wrong
 * record, a wrong key or any flipped bit fails the tag check.
 */
public class EnvelopeCipher {

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final int DATA_KEY_BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final AtomicReference<KeyRing> keys;

	public EnvelopeCipher(KeyRing keys) {
		this.keys = new AtomicReference<>(keys);
	}

	public KeyRing keys() {
		return this.keys.get();
	}

	/**
	 * Replaces the ring at run time (tests, and a future reload without restart): records
	 * under keys still on the new ring stay readable.
	 */
	public void useKeys(KeyRing keys) {
		this.keys.set(keys);
	}

	public String currentKeyId() {
		return this.keys.get().current().id();
	}

	public Envelope seal(byte[] plaintext, String associatedData) {
		MasterKey master = this.keys.get().current();
		byte[] dataKey = new byte[DATA_KEY_BYTES];
		RANDOM.nextBytes(dataKey);
		try {
			byte[] ciphertext = encrypt(dataKey, plaintext, valueAad(associatedData));
			byte[] wrapped = encrypt(master.key().getEncoded(), dataKey, wrapAad(master.id(), associatedData));
			return new Envelope(master.id(), wrapped, ciphertext);
		}
		finally {
			Arrays.fill(dataKey, (byte) 0);
		}
	}

	public byte[] open(Envelope envelope, String associatedData) {
		byte[] dataKey = unwrap(envelope, associatedData);
		try {
			return decrypt(dataKey, envelope.ciphertext(), valueAad(associatedData));
		}
		finally {
			Arrays.fill(dataKey, (byte) 0);
		}
	}

	/**
	 * Re-wraps the data key under the current master key; the value's ciphertext stays as
	 * it is, so re-encryption touches 60 bytes per record whatever the value's size.
	 * @return the envelope itself when it is already under the current key
	 */
	public Envelope rewrap(Envelope envelope, String associatedData) {
		MasterKey current = this.keys.get().current();
		if (current.id().equals(envelope.keyId())) {
			return envelope;
		}
		byte[] dataKey = unwrap(envelope, associatedData);
		try {
			return new Envelope(current.id(),
					encrypt(current.key().getEncoded(), dataKey, wrapAad(current.id(), associatedData)),
					envelope.ciphertext());
		}
		finally {
			Arrays.fill(dataKey, (byte) 0);
		}
	}

	private byte[] unwrap(Envelope envelope, String associatedData) {
		MasterKey master = this.keys.get()
			.find(envelope.keyId())
			.orElseThrow(() -> new VaultCryptoException(
					"Master key " + envelope.keyId() + " is not configured; it is needed to open this value", null));
		byte[] dataKey = decrypt(master.key().getEncoded(), envelope.wrappedKey(),
				wrapAad(master.id(), associatedData));
		if (dataKey.length != DATA_KEY_BYTES) {
			throw new VaultCryptoException("The wrapped data key has the wrong length", null);
		}
		return dataKey;
	}

	private static byte[] valueAad(String associatedData) {
		return ("crewship-vault/value/v1|" + associatedData).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] wrapAad(String keyId, String associatedData) {
		return ("crewship-vault/data-key/v1|" + keyId + "|" + associatedData).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] encrypt(byte[] key, byte[] plaintext, byte[] aad) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(aad);
			byte[] sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is unavailable", ex);
		}
	}

	private static byte[] decrypt(byte[] key, byte[] sealed, byte[] aad) {
		if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new VaultCryptoException("The envelope is truncated", null);
		}
		try {
			Cipher cipher = Cipher.getInstance(TRANSFORMATION);
			cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
					new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
			cipher.updateAAD(aad);
			return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new VaultCryptoException("The value failed its integrity check (tampered, moved or wrong key)", null);
		}
		catch (GeneralSecurityException ex) {
			throw new VaultCryptoException("The value could not be decrypted", null);
		}
	}

}
