package crewship.vault.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import crewship.platform.secrets.KeyFile;

import crewship.vault.VaultProperties;

/**
 * Builds the key ring at startup: the environment's key first, else the key file; a local
 * run without either generates a key into the file and reuses it on restart, while
 * production refuses to start, because a key generated inside a container dies with it
 * and every stored credential with it.
 */
public final class MasterKeyLoader {

	private static final Logger log = LoggerFactory.getLogger(MasterKeyLoader.class);

	static final String REFUSAL = "No vault master key in production (CREWSHIP_ENV=production): set "
			+ "CREWSHIP_VAULT_MASTER_KEY to [id:]base64 of 32 random bytes (e.g. `openssl rand -base64 32`) "
			+ "or CREWSHIP_VAULT_MASTER_KEY_FILE to a file holding one. The vault does not generate a key in "
			+ "production: losing it loses every credential.";

	private MasterKeyLoader() {
	}

	public static KeyRing load(VaultProperties properties) {
		List<MasterKey> previous = new ArrayList<>();
		if (properties.previousMasterKeys() != null) {
			for (String entry : properties.previousMasterKeys().split(",")) {
				if (!entry.isBlank()) {
					previous.add(MasterKey.parse(entry, "CREWSHIP_VAULT_PREVIOUS_MASTER_KEYS"));
				}
			}
		}
		if (properties.masterKey() != null && !properties.masterKey().isBlank()) {
			return KeyRing.of(MasterKey.parse(properties.masterKey(), "CREWSHIP_VAULT_MASTER_KEY"), previous);
		}
		Path file = properties.effectiveMasterKeyFile();
		if (!Files.exists(file) && properties.production()) {
			throw new IllegalStateException(REFUSAL);
		}
		// replicas starting together on a fresh volume agree on one generated key
		KeyFile.Read read = KeyFile.readOrCreate(file, MasterKeyLoader::generated);
		List<MasterKey> fromFile = parse(read.content(), file);
		if (read.created()) {
			log.warn("Generated a vault master key ({}) into {}: back it up, every credential depends on it. "
					+ "Production requires CREWSHIP_VAULT_MASTER_KEY.", fromFile.get(0).id(), file);
		}
		previous.addAll(fromFile.subList(1, fromFile.size()));
		return KeyRing.of(fromFile.get(0), previous);
	}

	private static List<MasterKey> parse(String content, Path file) {
		List<MasterKey> keys = content.lines()
			.map(String::trim)
			.filter(line -> !line.isEmpty() && !line.startsWith("#"))
			.map(line -> MasterKey.parse(line, "The master key file " + file))
			.toList();
		if (keys.isEmpty()) {
			throw new IllegalStateException("The master key file " + file + " holds no key");
		}
		return keys;
	}

	private static String generated() {
		byte[] raw = new byte[MasterKey.LENGTH];
		new SecureRandom().nextBytes(raw);
		MasterKey key = new MasterKey(MasterKey.derivedId(raw), new SecretKeySpec(raw, "AES"));
		Arrays.fill(raw, (byte) 0);
		return key.encode() + "\n";
	}

}
