package crewship.vault.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import crewship.vault.VaultProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterKeyLoaderTests {

	@TempDir
	Path dir;

	static String base64Key(int fill) {
		byte[] raw = new byte[32];
		java.util.Arrays.fill(raw, (byte) fill);
		return Base64.getEncoder().encodeToString(raw);
	}

	static VaultProperties properties(String key, String previous, Path file, Path dataDir, String env) {
		return new VaultProperties(key, previous, file, dataDir, env, null);
	}

	@Test
	void environmentKeyWithIdAndPreviousKeys() {
		KeyRing ring = MasterKeyLoader.load(properties("v2:" + base64Key(2), "v1:" + base64Key(1) + ", " + base64Key(3),
				null, this.dir, "production"));
		assertThat(ring.current().id()).isEqualTo("v2");
		assertThat(ring.byId()).containsKeys("v1", "v2").hasSize(3);
		assertThat(MasterKey.parse(base64Key(3), "x").id()).as("a bare key's id is derived, stable")
			.isEqualTo(MasterKey.parse(base64Key(3), "y").id())
			.startsWith("mk-");
		assertThat(Files.exists(this.dir.resolve("secrets"))).as("nothing written").isFalse();
	}

	@Test
	void productionWithoutAKeyRefusesToStartWithAClearMessage() {
		assertThatThrownBy(() -> MasterKeyLoader.load(properties(null, null, null, this.dir, "production")))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("CREWSHIP_VAULT_MASTER_KEY")
			.hasMessageContaining("CREWSHIP_ENV=production");
		assertThatThrownBy(
				() -> MasterKeyLoader.load(properties(null, null, this.dir.resolve("missing"), this.dir, "PRODUCTION")))
			.hasMessageContaining("No vault master key in production");
		assertThat(Files.exists(this.dir.resolve("secrets"))).as("no key generated").isFalse();
	}

	@Test
	void localRunGeneratesAnOwnerOnlyKeyFileAndReusesIt() throws Exception {
		KeyRing first = MasterKeyLoader.load(properties("", null, null, this.dir, "development"));
		Path file = this.dir.resolve("secrets/vault-master-key");
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		KeyRing again = MasterKeyLoader.load(properties(null, null, null, this.dir, null));
		assertThat(again.current()).isEqualTo(first.current());
	}

	@Test
	void replicasStartingTogetherOnAFreshVolumeShareOneGeneratedKey() throws Exception {
		// before, the second replica failed to create the file (or read it empty) and
		// either crashed or sealed with a key of its own
		java.util.List<java.util.concurrent.Future<MasterKey>> keys = new java.util.ArrayList<>();
		java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
		try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
			for (int i = 0; i < 8; i++) {
				keys.add(pool.submit(() -> {
					start.await();
					return MasterKeyLoader.load(properties(null, null, null, this.dir, "development")).current();
				}));
			}
			start.countDown();
		}
		MasterKey first = keys.get(0).get();
		for (var key : keys) {
			assertThat(key.get()).isEqualTo(first);
		}
	}

	@Test
	void keyFileListsTheCurrentKeyFirst() throws Exception {
		Path file = this.dir.resolve("keys");
		Files.writeString(file, "# rotated 2026-11\nnew:" + base64Key(5) + "\nold:" + base64Key(4) + "\n");
		KeyRing ring = MasterKeyLoader.load(properties(null, null, file, null, "production"));
		assertThat(ring.current().id()).isEqualTo("new");
		assertThat(ring.find("old")).isPresent();
	}

	@Test
	void malformedKeysAreNamedButNeverEchoed() {
		assertThatThrownBy(() -> MasterKeyLoader.load(properties("not base64!", null, null, this.dir, null)))
			.hasMessageContaining("CREWSHIP_VAULT_MASTER_KEY is not base64")
			.hasMessageNotContaining("not base64!");
		String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
		assertThatThrownBy(() -> MasterKeyLoader.load(properties(shortKey, null, null, this.dir, null)))
			.hasMessageContaining("16 bytes")
			.hasMessageNotContaining(shortKey);
		assertThatThrownBy(
				() -> MasterKeyLoader.load(properties("a:" + base64Key(1), "a:" + base64Key(2), null, this.dir, null)))
			.hasMessageContaining("share the id a");
	}

}
