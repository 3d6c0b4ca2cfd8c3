package crewship.platform.secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import crewship.platform.identity.SigningKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas that start together on a fresh data directory must end up with one key: two
 * auth-service replicas that each generated and wrote their own signing key signed
 * session tokens the other one's JWKS refused (401 on ws-token under
 * {@code --replicas 2}).
 */
class KeyFileTests {

	@TempDir
	Path dir;

	@Test
	void replicasStartingTogetherAgreeOnOneGeneratedKey() throws Exception {
		Path file = this.dir.resolve("secrets/key");
		int replicas = 16;
		CountDownLatch start = new CountDownLatch(1);
		List<Future<KeyFile.Read>> reads = new ArrayList<>();
		try (ExecutorService pool = Executors.newFixedThreadPool(replicas)) {
			for (int i = 0; i < replicas; i++) {
				reads.add(pool.submit(() -> {
					start.await();
					return KeyFile.readOrCreate(file, () -> UUID.randomUUID().toString());
				}));
			}
			start.countDown();
		}
		List<KeyFile.Read> results = new ArrayList<>();
		for (Future<KeyFile.Read> read : reads) {
			results.add(read.get());
		}

		assertThat(results).extracting(KeyFile.Read::content).containsOnly(Files.readString(file));
		assertThat(results).filteredOn(KeyFile.Read::created).hasSize(1);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		try (var left = Files.list(file.getParent())) {
			assertThat(left).as("no half-written copies left behind").containsExactly(file);
		}
	}

	@Test
	void aKeptKeyIsReadNotReplaced() {
		Path file = this.dir.resolve("key");
		KeyFile.Read first = KeyFile.readOrCreate(file, () -> "first");
		KeyFile.Read second = KeyFile.readOrCreate(file, () -> "second");

		assertThat(first).isEqualTo(new KeyFile.Read("first", true));
		assertThat(second).isEqualTo(new KeyFile.Read("first", false));
	}

	@Test
	void signingKeysOfReplicasStartingTogetherAreTheSame() throws Exception {
		Path file = this.dir.resolve("auth-signing-key.jwk");
		List<Future<String>> keyIds = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
			for (int i = 0; i < 8; i++) {
				keyIds.add(pool.submit(() -> {
					start.await();
					return SigningKeys.load(null, file, "CREWSHIP_AUTH_SIGNING_KEY").signingKey().getKeyID();
				}));
			}
			start.countDown();
		}
		List<String> ids = new ArrayList<>();
		for (Future<String> id : keyIds) {
			ids.add(id.get());
		}
		assertThat(ids).hasSize(8).containsOnly(ids.get(0));
	}

}
