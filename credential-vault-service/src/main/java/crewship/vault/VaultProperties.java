package crewship.vault;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * credential-vault-service settings. Key material comes only from the environment or a
 * key file, never from {@code application.yml}.
 *
 * @param masterKey the current master key, {@code [id:]base64} of 32 random bytes
 * ({@code CREWSHIP_VAULT_MASTER_KEY})
 * @param previousMasterKeys comma-separated {@code id:base64} keys kept to read records
 * not yet re-encrypted ({@code CREWSHIP_VAULT_PREVIOUS_MASTER_KEYS})
 * @param masterKeyFile a file of {@code id:base64} lines, the first one current
 * ({@code CREWSHIP_VAULT_MASTER_KEY_FILE}); a local run keeps its generated key there
 * @param dataDir where a local run keeps a generated key when no file is named
 * ({@code CREWSHIP_DATA_DIR}; default {@code ~/.crewship}, for root
 * {@code /var/lib/crewship}, as the launcher)
 * @param env {@code CREWSHIP_ENV}; {@code production} makes a missing master key stop the
 * service instead of being generated
 * @param reencryptBatchSize records re-wrapped per transaction by
 * {@code POST /api/v1/admin/reencrypt}
 */
@ConfigurationProperties("crewship.vault")
public record VaultProperties(String masterKey, String previousMasterKeys, Path masterKeyFile, Path dataDir, String env,
		Integer reencryptBatchSize) {

	public VaultProperties {
		if (reencryptBatchSize == null || reencryptBatchSize < 1) {
			reencryptBatchSize = 200;
		}
	}

	public boolean production() {
		return "production".equalsIgnoreCase((this.env != null) ? this.env.trim() : null);
	}

	/** The generated key's home when no file is named. */
	public Path effectiveMasterKeyFile() {
		if (this.masterKeyFile != null && !this.masterKeyFile.toString().isBlank()) {
			return this.masterKeyFile;
		}
		Path dir = this.dataDir;
		if (dir == null || dir.toString().isBlank()) {
			dir = ("root".equals(System.getProperty("user.name"))
					&& java.nio.file.Files.isDirectory(Path.of("/var/lib"))) ? Path.of("/var/lib/crewship")
							: Path.of(System.getProperty("user.home"), ".crewship");
		}
		return dir.resolve("secrets").resolve("vault-master-key");
	}

}
