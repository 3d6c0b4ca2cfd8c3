package crewship.vault.crypto;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Switching to a new master key: old records stay readable while the walk runs, and after
 * it every credential opens with the new key alone.
 */
class ReencryptionTests extends VaultTestSupport {

	@Autowired
	EnvelopeCipher cipher;

	KeyRing original;

	@AfterEach
	void keepEveryKeySeenSoLaterTestsStillRead() {
		if (this.original != null) {
			KeyRing now = this.cipher.keys();
			List<MasterKey> previous = new java.util.ArrayList<>(this.original.byId().values());
			this.cipher.useKeys(KeyRing.of(now.current(), previous));
		}
	}

	@Test
	void everyCredentialStaysReadableUnderANewMasterKey() {
		this.original = this.cipher.keys();
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = 0; i < 5; i++) {
			String value = "value-" + i + "-" + Cuid.next();
			values.put(createCredential("cred-" + i, value), value);
		}
		assertThat(as(member(WorkspaceRole.MANAGER)).postJson("/api/v1/admin/reencrypt", null).status())
			.as("manage only")
			.isEqualTo(403);

		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		MasterKey next = new MasterKey("rotated-" + Cuid.next().substring(15), new SecretKeySpec(raw, "AES"));
		this.cipher.useKeys(KeyRing.of(next, List.copyOf(this.original.byId().values())));
		values.forEach((id, value) -> assertThat(resolve(id)).as("readable before the walk").isEqualTo(value));
		String added = createCredential("written-during-switch", "fresh-" + Cuid.next());

		Response report = as(this.owner).postJson("/api/v1/admin/reencrypt", null);
		assertThat(report.status()).as(report.body()).isEqualTo(200);
		assertThat(report.json().get("key_version").asString()).isEqualTo(next.id());
		assertThat(report.json().get("reencrypted").asInt()).isGreaterThanOrEqualTo(5);
		assertThat(report.json().get("skipped").asInt()).as("the new row").isGreaterThanOrEqualTo(1);
		assertThat(report.json().get("failed").asInt()).isZero();
		assertThat(report.json().get("columns").get(0).get("table").asString()).isEqualTo("sealed_secrets");
		assertThat(this.jdbc.queryForObject("select count(*) from sealed_secrets where key_id <> ?", Integer.class,
				next.id()))
			.isZero();

		this.cipher.useKeys(KeyRing.of(next, List.of()));
		values.forEach((id, value) -> assertThat(resolve(id)).as("readable with the new key alone").isEqualTo(value));
		assertThat(resolve(added)).startsWith("fresh-");

		Response again = as(this.owner).postJson("/api/v1/admin/reencrypt", null);
		assertThat(again.json().get("reencrypted").asInt()).as("idempotent").isZero();
	}

	private String resolve(String credentialId) {
		Response resolved = internal()
			.get("/api/v1/internal/credentials/" + credentialId + "/value?workspace_id=" + this.workspaceId);
		assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
		return resolved.json().get("value").asString();
	}

}
