package crewship.vault.rotation;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

class RotationTests extends VaultTestSupport {

	Response resolve(String credentialId) {
		return internal()
			.get("/api/v1/internal/credentials/" + credentialId + "/value?workspace_id=" + this.workspaceId);
	}

	int sealedOldValues(String rotationId) {
		return this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_id = ?", Integer.class,
				rotationId);
	}

	@Test
	void rotationKeepsTheOldValueForTheGraceWindowUntilCancelled() {
		String old = "sk-old-" + Cuid.next();
		String id = createCredential("rotating", old);
		assertThat(
				as(member(WorkspaceRole.MANAGER)).postJson("/api/v1/credentials/" + id + "/rotate", "{\"value\":\"x\"}")
					.status())
			.isEqualTo(403);
		assertThat(as(this.owner)
			.postJson("/api/v1/credentials/" + id + "/rotate", "{\"value\":\"x\",\"grace_seconds\":604801}")
			.status()).isEqualTo(400);
		assertThat(as(this.owner).postJson("/api/v1/credentials/" + id + "/rotate", "{}").status()).isEqualTo(400);

		String fresh = "sk-new-" + Cuid.next();
		Response rotated = as(this.owner).postJson("/api/v1/credentials/" + id + "/rotate",
				"{\"value\":\"" + fresh + "\",\"grace_seconds\":3600}");
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		assertThat(rotated.json().get("status").asString()).isEqualTo("ACTIVE");
		assertThat(rotated.json().get("old_value_gone").asBoolean()).isFalse();
		assertThat(rotated.json().get("rotated_by").asString()).isEqualTo(this.owner);
		assertThat(rotated.body()).doesNotContain(old).doesNotContain(fresh);
		String rotationId = rotated.json().get("id").asString();

		Response during = resolve(id);
		assertThat(during.json().get("value").asString()).isEqualTo(fresh);
		assertThat(during.json().get("previous_value").asString()).isEqualTo(old);

		Response history = as(member(WorkspaceRole.VIEWER)).get("/api/v1/credentials/" + id + "/rotations");
		assertThat(history.json().size()).isEqualTo(1);
		assertThat(history.body()).doesNotContain(old);

		assertThat(as(member(WorkspaceRole.MANAGER)).delete("/api/v1/credential-rotations/" + rotationId).status())
			.isEqualTo(403);
		Response cancelled = as(this.owner).delete("/api/v1/credential-rotations/" + rotationId);
		assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
		assertThat(sealedOldValues(rotationId)).as("scrubbed at once").isZero();
		assertThat(resolve(id).json().get("previous_value").isNull()).isTrue();
		Response again = as(this.owner).delete("/api/v1/credential-rotations/" + rotationId);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("message").asString()).isEqualTo("rotation already terminal");
		assertThat(as(stranger()).delete("/api/v1/credential-rotations/" + rotationId).status()).isEqualTo(404);
	}

	@Test
	void aMemberHoldingCredentialRotateRotatesAndCancels() {
		String id = createCredential("oncall", "sk-old-" + Cuid.next());
		String plain = member(WorkspaceRole.MEMBER, "chat");
		String oncall = member(WorkspaceRole.MEMBER, "chat", "credential.rotate");
		Response refused = as(plain).postJson("/api/v1/credentials/" + id + "/rotate", "{\"value\":\"x\"}");
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("detail").asString()).contains("credential.rotate");

		String fresh = "sk-new-" + Cuid.next();
		Response rotated = as(oncall).postJson("/api/v1/credentials/" + id + "/rotate",
				"{\"value\":\"" + fresh + "\",\"grace_seconds\":3600}");
		assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
		assertThat(rotated.json().get("rotated_by").asString()).isEqualTo(oncall);
		assertThat(resolve(id).json().get("value").asString()).isEqualTo(fresh);
		String rotationId = rotated.json().get("id").asString();

		assertThat(as(plain).delete("/api/v1/credential-rotations/" + rotationId).status()).isEqualTo(403);
		Response cancelled = as(oncall).delete("/api/v1/credential-rotations/" + rotationId);
		assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
		assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");

		// the capability widens rotation only: deleting stays OWNER/ADMIN
		assertThat(as(oncall).delete("/api/v1/credentials/" + id).status()).isEqualTo(403);
	}

	@Test
	void zeroGraceExpiresAtOnceAndElapsedWindowsAreScrubbed() {
		String id = createCredential("instant", "v1-" + Cuid.next());
		Response instant = as(this.owner).postJson("/api/v1/credentials/" + id + "/rotate",
				"{\"value\":\"v2\",\"grace_seconds\":0}");
		assertThat(instant.json().get("status").asString()).isEqualTo("EXPIRED");
		assertThat(instant.json().get("old_value_gone").asBoolean()).isTrue();
		assertThat(sealedOldValues(instant.json().get("id").asString())).isZero();

		Response graced = as(this.owner).postJson("/api/v1/credentials/" + id + "/rotate",
				"{\"value\":\"v3\",\"grace_seconds\":60}");
		String rotationId = graced.json().get("id").asString();
		this.jdbc.update("update credential_rotations set expires_at = now() - interval '1 second' where id = ?",
				rotationId);
		Response history = as(this.owner).get("/api/v1/credentials/" + id + "/rotations");
		assertThat(history.json().get(0).get("status").asString()).isEqualTo("EXPIRED");
		assertThat(sealedOldValues(rotationId)).isZero();
	}

	@Test
	void deletingTheCredentialScrubsItsGraceValues() {
		String id = createCredential("doomed", "v1-" + Cuid.next());
		String rotationId = as(this.owner)
			.postJson("/api/v1/credentials/" + id + "/rotate", "{\"value\":\"v2\",\"grace_seconds\":600}")
			.json()
			.get("id")
			.asString();
		assertThat(sealedOldValues(rotationId)).isEqualTo(1);
		as(this.owner).delete("/api/v1/credentials/" + id);
		assertThat(sealedOldValues(rotationId)).isZero();
	}

}
