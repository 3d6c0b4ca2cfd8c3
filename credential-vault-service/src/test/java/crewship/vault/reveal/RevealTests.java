package crewship.vault.reveal;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.events.Topics;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;
import crewship.vault.VaultTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

class RevealTests extends VaultTestSupport {

	static final String REASON = "{\"reason\":\"Migrating the deploy key into Vault, ticket OPS-812\"}";

	String secret;

	String credentialId;

	@BeforeEach
	void credentialAndPolicy() {
		this.secret = "ghp_" + Cuid.next();
		this.credentialId = createCredential("GH_TOKEN", this.secret);
		grant(this.owner, WorkspaceRole.OWNER);
	}

	/**
	 * As auth-service's record does once an OWNER granted it through the capabilities
	 * API.
	 */
	void grant(String userId, WorkspaceRole role) {
		replicate(userId, role, "chat", MemberCapability.CREDENTIALS_REVEAL);
	}

	String path() {
		return "/api/v1/credentials/" + this.credentialId + "/reveal";
	}

	void enable() {
		Response enabled = send(as(this.owner), "PUT", "/api/v1/credentials/reveal-policy", "{\"enabled\":true}");
		assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
	}

	int reveals() {
		return this.jdbc.queryForObject(
				"select count(*) from credential_audit where credential_id = ? and event_type = 'REVEAL'",
				Integer.class, this.credentialId);
	}

	@Test
	void policyIsOffUntilAnOwnerTurnsItOn() {
		String admin = member(WorkspaceRole.ADMIN);
		String manager = member(WorkspaceRole.MANAGER);
		assertThat(as(manager).get("/api/v1/credentials/reveal-policy").json().get("enabled").asBoolean()).isFalse();
		assertThat(as(member(WorkspaceRole.MEMBER)).get("/api/v1/credentials/reveal-policy").status()).isEqualTo(403);
		assertThat(send(as(admin), "PUT", "/api/v1/credentials/reveal-policy", "{\"enabled\":true}").status())
			.isEqualTo(403);
		assertThat(send(as(this.owner), "PUT", "/api/v1/credentials/reveal-policy", "{}").status()).isEqualTo(400);
		Response refused = as(this.owner).postJson(path(), REASON);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("detail").asString()).contains("turned off");
		enable();
		assertThat(as(manager).get("/api/v1/credentials/reveal-policy").json().get("enabled").asBoolean()).isTrue();
	}

	@Test
	void anOwnerWithTheCapabilityRevealsOnceAuditedAndUncached() {
		enable();
		Response revealed = as(this.owner).postJson(path(), REASON);
		assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
		assertThat(revealed.header("Cache-Control")).contains("no-store");
		assertThat(revealed.json().get("value").asString()).isEqualTo(this.secret);
		assertThat(revealed.json().get("name").asString()).isEqualTo("GH_TOKEN");
		String journal = revealed.json().get("journal_entry_id").asString();
		String metadata = this.jdbc.queryForObject(
				"select metadata::text from credential_audit where id = ? and event_type = 'REVEAL'", String.class,
				journal);
		assertThat(metadata).contains("OPS-812").doesNotContain(this.secret);
		List<ConsumerRecord<String, String>> audit = TestKafka.readUntil(Topics.AUDIT,
				read -> read.stream().anyMatch(this::isThisReveal), Duration.ofSeconds(20));
		assertThat(audit).filteredOn(this::isThisReveal)
			.singleElement()
			.satisfies(r -> assertThat(r.value()).contains("OPS-812").doesNotContain(this.secret));
	}

	/** This test's reveal on the audit topic: its credential and the reveal action. */
	boolean isThisReveal(ConsumerRecord<String, String> record) {
		return record.value().contains(this.credentialId) && record.value().contains("\"credential.reveal\"");
	}

	@Test
	void cliTokensAgentsAndInternalCallersNeverReveal() {
		enable();
		Response cli = asCli(this.owner).postJson(path(), REASON);
		assertThat(cli.status()).isEqualTo(403);
		assertThat(cli.json().get("detail").asString()).contains("interactive");
		TestHttp internal = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal())
			.withHeader("X-Workspace-ID", this.workspaceId);
		assertThat(internal.postJson(path(), REASON).status()).isEqualTo(403);
		// an agent acts with a real user's id but on a token, not a session
		TestHttp agent = this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.cli(this.owner, "agent-token"))
			.withHeader("X-Workspace-ID", this.workspaceId);
		assertThat(agent.postJson(path(), REASON).status()).isEqualTo(403);
		assertThat(reveals()).isZero();
	}

	@Test
	void everyOtherGateFailsClosed() {
		enable();
		String admin = member(WorkspaceRole.ADMIN);
		assertThat(as(admin).postJson(path(), REASON).json().get("detail").asString()).as("OWNER/ADMIN lack it too")
			.contains("credentials:reveal");
		String member = member(WorkspaceRole.MEMBER, "chat", MemberCapability.CREDENTIALS_REVEAL);
		assertThat(as(member).postJson(path(), REASON).status()).as("role floor").isEqualTo(403);
		assertThat(as(stranger()).postJson(path(), REASON).status()).as("not a member").isEqualTo(404);
		assertThat(as(this.owner).postJson("/api/v1/credentials/" + Cuid.next() + "/reveal", REASON).status())
			.isEqualTo(404);
		assertThat(as(this.owner).postJson(path(), "{\"reason\":\"too short\"}").status()).isEqualTo(400);
		assertThat(as(this.owner).postJson(path(), "{\"reason\":\"debug debug debug debug debug\"}").status())
			.isEqualTo(400);
		send(as(this.owner), "PUT", "/api/v1/credentials/" + this.credentialId + "/sensitivity",
				"{\"sensitivity\":\"SEALED\"}");
		Response sealed = as(this.owner).postJson(path(), REASON);
		assertThat(sealed.status()).isEqualTo(403);
		assertThat(sealed.json().get("detail").asString()).contains("SEALED");
		assertThat(reveals()).isZero();
	}

	@Test
	void theCapabilityComesFromTheReplicatedMembershipAndGoesWithIt() {
		enable();
		String admin = member(WorkspaceRole.ADMIN, "chat", "credential.create", "credential.rotate");
		Response without = as(admin).postJson(path(), REASON);
		assertThat(without.status()).as("the admin bundle does not carry it").isEqualTo(403);
		assertThat(without.json().get("detail").asString()).contains("credentials:reveal");

		grant(admin, WorkspaceRole.ADMIN);
		Response revealed = as(admin).postJson(path(), REASON);
		assertThat(revealed.status()).as(revealed.body()).isEqualTo(200);
		assertThat(revealed.json().get("value").asString()).isEqualTo(this.secret);

		replicate(admin, WorkspaceRole.ADMIN, "chat");
		assertThat(as(admin).postJson(path(), REASON).status()).as("revoked: the newer record wins").isEqualTo(403);
		assertThat(reveals()).isEqualTo(1);
	}

	/**
	 * The audit write is the precondition: make the database refuse this credential's
	 * REVEAL row, and the value must not come back.
	 */
	@Test
	void aFailedAuditWriteRevealsNothing() {
		enable();
		String trigger = "refuse_" + Cuid.next();
		this.jdbc.execute("""
				create function %1$s() returns trigger language plpgsql as $$
				begin raise exception 'audit store unavailable'; end $$;
				create trigger %1$s before insert on credential_audit for each row
				 when (new.event_type = 'REVEAL' and new.credential_id = '%2$s') execute function %1$s();
				""".formatted(trigger, this.credentialId));
		try {
			Response failed = as(this.owner).postJson(path(), REASON);
			assertThat(failed.status()).isEqualTo(500);
			assertThat(failed.body()).doesNotContain(this.secret);
		}
		finally {
			this.jdbc.execute("drop trigger %1$s on credential_audit; drop function %1$s();".formatted(trigger));
		}
		String outboxTrigger = "refuse_outbox_" + Cuid.next();
		this.jdbc.execute(
				"""
						create function %1$s() returns trigger language plpgsql as $$
						begin raise exception 'outbox unavailable'; end $$;
						create trigger %1$s before insert on platform_outbox for each row
						 when (new.payload like '%%credential.reveal%%' and new.payload like '%%%2$s%%') execute function %1$s();
						"""
					.formatted(outboxTrigger, this.credentialId));
		try {
			Response failed = as(this.owner).postJson(path(), REASON);
			assertThat(failed.status()).isEqualTo(500);
			assertThat(failed.body()).doesNotContain(this.secret);
		}
		finally {
			this.jdbc.execute("drop trigger %1$s on platform_outbox; drop function %1$s();".formatted(outboxTrigger));
		}
		assertThat(reveals()).as("the timeline row rolled back with the failed audit record").isZero();
	}

}
