package crewship.vault.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeCipherTests {

	static MasterKey key(String id) {
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		return new MasterKey(id, new SecretKeySpec(raw, "AES"));
	}

	final MasterKey first = key("k1");

	final EnvelopeCipher cipher = new EnvelopeCipher(KeyRing.of(this.first, List.of()));

	final byte[] secret = "sk-ant-api03-round-trip".getBytes(StandardCharsets.UTF_8);

	@Test
	void roundTripWithAFreshDataKeyPerValue() {
		Envelope one = this.cipher.seal(this.secret, "credential.value:c1");
		Envelope two = this.cipher.seal(this.secret, "credential.value:c1");
		assertThat(one.keyId()).isEqualTo("k1");
		assertThat(one.wrappedKey()).hasSize(12 + 32 + 16);
		assertThat(one.ciphertext()).hasSize(12 + this.secret.length + 16);
		assertThat(one.wrappedKey()).as("a data key per record").isNotEqualTo(two.wrappedKey());
		assertThat(one.ciphertext()).isNotEqualTo(two.ciphertext());
		assertThat(new String(one.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("sk-ant");
		assertThat(this.cipher.open(one, "credential.value:c1")).isEqualTo(this.secret);
		assertThat(this.cipher.open(two, "credential.value:c1")).isEqualTo(this.secret);
	}

	@Test
	void everyTamperedPartFailsTheIntegrityCheck() {
		Envelope sealed = this.cipher.seal(this.secret, "credential.value:c1");
		byte[] body = sealed.ciphertext().clone();
		body[14] ^= 1;
		assertTampered(new Envelope("k1", sealed.wrappedKey(), body), "credential.value:c1");
		byte[] tag = sealed.ciphertext().clone();
		tag[tag.length - 1] ^= 1;
		assertTampered(new Envelope("k1", sealed.wrappedKey(), tag), "credential.value:c1");
		byte[] nonce = sealed.ciphertext().clone();
		nonce[0] ^= 1;
		assertTampered(new Envelope("k1", sealed.wrappedKey(), nonce), "credential.value:c1");
		byte[] wrapped = sealed.wrappedKey().clone();
		wrapped[20] ^= 1;
		assertTampered(new Envelope("k1", wrapped, sealed.ciphertext()), "credential.value:c1");
		byte[] truncated = java.util.Arrays.copyOf(sealed.ciphertext(), 10);
		assertThatThrownBy(() -> this.cipher.open(new Envelope("k1", sealed.wrappedKey(), truncated), "x"))
			.isInstanceOf(VaultCryptoException.class);
	}

	@Test
	void aValueMovedToAnotherRecordDoesNotOpen() {
		Envelope sealed = this.cipher.seal(this.secret, "credential.value:c1");
		assertTampered(sealed, "credential.value:c2");
		assertTampered(sealed, "credential.refresh_token:c1");
	}

	@Test
	void aWrongOrUnknownMasterKeyDoesNotOpen() {
		Envelope sealed = this.cipher.seal(this.secret, "credential.value:c1");
		EnvelopeCipher impostor = new EnvelopeCipher(KeyRing.of(key("k1"), List.of()));
		assertTampered(impostor, sealed, "credential.value:c1");
		EnvelopeCipher other = new EnvelopeCipher(KeyRing.of(key("k2"), List.of()));
		assertThatThrownBy(() -> other.open(sealed, "credential.value:c1")).isInstanceOf(VaultCryptoException.class)
			.hasMessageContaining("k1 is not configured");
		// a wrapped key relabelled with another key id does not open under that key
		// either
		EnvelopeCipher both = new EnvelopeCipher(KeyRing.of(key("k2"), List.of(this.first)));
		assertTampered(both, new Envelope("k2", sealed.wrappedKey(), sealed.ciphertext()), "credential.value:c1");
	}

	@Test
	void rewrapMovesTheDataKeyToTheCurrentKeyAndKeepsTheValue() {
		Envelope old = this.cipher.seal(this.secret, "credential.value:c1");
		MasterKey second = key("k2");
		this.cipher.useKeys(KeyRing.of(second, List.of(this.first)));
		assertThat(this.cipher.open(old, "credential.value:c1")).as("old records stay readable").isEqualTo(this.secret);
		Envelope moved = this.cipher.rewrap(old, "credential.value:c1");
		assertThat(moved.keyId()).isEqualTo("k2");
		assertThat(moved.ciphertext()).as("only the data key is re-wrapped").isEqualTo(old.ciphertext());
		assertThat(this.cipher.rewrap(moved, "credential.value:c1")).isSameAs(moved);
		this.cipher.useKeys(KeyRing.of(second, List.of()));
		assertThat(this.cipher.open(moved, "credential.value:c1")).isEqualTo(this.secret);
		assertThatThrownBy(() -> this.cipher.open(old, "credential.value:c1")).isInstanceOf(VaultCryptoException.class);
	}

	private void assertTampered(Envelope envelope, String associatedData) {
		assertTampered(this.cipher, envelope, associatedData);
	}

	private static void assertTampered(EnvelopeCipher cipher, Envelope envelope, String associatedData) {
		assertThatThrownBy(() -> cipher.open(envelope, associatedData)).isInstanceOf(VaultCryptoException.class)
			.hasMessageContaining("integrity check");
	}

}
