package crewship.vault.crypto;

/**
 * One sealed value: the data key wrapped by the master key {@code keyId}
 * ({@code nonce || ciphertext || tag}, AES-GCM), and the value encrypted with that data
 * key (the same layout). Nothing in it is secret without the master key.
 */
public record Envelope(String keyId, byte[] wrappedKey, byte[] ciphertext) {

}
