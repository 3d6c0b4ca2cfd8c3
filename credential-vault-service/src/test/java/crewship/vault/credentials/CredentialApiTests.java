package crewship.vault.credentials;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import crewship.vault.VaultTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialApiTests extends VaultTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void createGetListUpdateDeleteNeverAnswerTheValue() {
		String secret = "sk-live-" + Cuid.next();
		Response created = as(this.owner).postJson("/api/v1/credentials", """
				{"name":"anthropic-primary","type":"AI_CLI_TOKEN","provider":"ANTHROPIC","value":"%s",
				 "description":"Main key","tags":["prod"],"account_label":"Production"}""".formatted(secret));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		JsonNode body = created.json();
		String id = body.get("id").asString();
		assertThat(body.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(body.get("scope").asString()).isEqualTo("WORKSPACE");
		assertThat(body.get("sensitivity").asString()).isEqualTo("STANDARD");
		assertThat(body.get("security_level").asInt()).isEqualTo(1);
		assertThat(body.get("testable").asBoolean()).isTrue();
		assertThat(body.get("_count_agent_credentials").asInt()).isZero();
		assertThat(body.get("tags").get(0).asString()).isEqualTo("prod");
		assertThat(body.has("value")).isFalse();
		assertThat(created.body()).doesNotContain(secret);

		Response got = as(this.owner).get("/api/v1/credentials/" + id);
		assertThat(got.status()).isEqualTo(200);
		assertThat(got.json().get("name").asString()).isEqualTo("anthropic-primary");
		assertThat(got.body()).doesNotContain(secret);

		String viewer = member(WorkspaceRole.VIEWER);
		Response list = as(viewer).get("/api/v1/credentials");
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json().size()).isEqualTo(1);
		assertThat(list.body()).doesNotContain(secret);

		Response renamed = send(as(this.owner), "PATCH", "/api/v1/credentials/" + id,
				"{\"name\":\"anthropic-main\",\"value\":\"sk-new-" + Cuid.next() + "\"}");
		assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
		assertThat(renamed.json().get("name").asString()).isEqualTo("anthropic-main");
		assertThat(send(as(this.owner), "PUT", "/api/v1/credentials/" + id, "{}").status()).as("no fields")
			.isEqualTo(400);

		Response timeline = as(this.owner).get("/api/v1/credentials/" + id + "/audit");
		assertThat(timeline.json().valueStream().map(e -> e.get("event_type").asString()).toList())
			.containsExactly("UPDATED", "ROTATE", "CREATED");
		assertThat(as(viewer).get("/api/v1/credentials/" + id + "/audit").status()).isEqualTo(403);

		Response deleted = as(this.owner).delete("/api/v1/credentials/" + id);
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(deleted.json().get("success").asBoolean()).isTrue();
		assertThat(as(this.owner).get("/api/v1/credentials/" + id).status()).isEqualTo(404);
		assertThat(as(this.owner).get("/api/v1/credentials").json().size()).isZero();
		assertThat(this.jdbc.queryForObject("select deleted_at is not null from credentials where id = ?",
				Boolean.class, id))
			.as("soft delete")
			.isTrue();
		assertThat(
				this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_id = ?", Integer.class, id))
			.as("the value is scrubbed")
			.isZero();
		List<ConsumerRecord<String, String>> events = TestKafka.readUntil(Topics.domain("vault"),
				read -> read.stream().filter(r -> id.equals(r.key())).count() >= 3, Duration.ofSeconds(20));
		assertThat(events).filteredOn(r -> id.equals(r.key()))
			.extracting(r -> JSON.readTree(r.value()).get("type").asString())
			.containsExactly("credential.created", "credential.updated", "credential.deleted");
		assertThat(events).filteredOn(r -> id.equals(r.key()))
			.allSatisfy(r -> assertThat(r.value()).doesNotContain(secret));
	}

	@Test
	void rolesAndTenancyFollowThePage() {
		String id = createCredential("github-acme", "ghp_" + Cuid.next());
		String member = member(WorkspaceRole.MEMBER);
		String manager = member(WorkspaceRole.MANAGER);
		String stranger = stranger();
		assertThat(as(member).postJson("/api/v1/credentials", "{\"name\":\"x\",\"value\":\"y\"}").status())
			.isEqualTo(403);
		String creator = member(WorkspaceRole.MEMBER, "chat", "credential.create");
		Response created = as(creator).postJson("/api/v1/credentials", "{\"name\":\"creator-key\",\"value\":\"y\"}");
		assertThat(created.status()).as("a MEMBER holding credential.create").isEqualTo(201);
		assertThat(as(creator).delete("/api/v1/credentials/" + created.json().get("id").asString()).status())
			.as("the capability widens create only")
			.isEqualTo(403);
		assertThat(as(manager).postJson("/api/v1/credentials", "{\"name\":\"npm\",\"value\":\"y\"}").status())
			.isEqualTo(201);
		assertThat(as(manager).delete("/api/v1/credentials/" + id).status()).as("delete is manage").isEqualTo(403);
		assertThat(as(stranger).get("/api/v1/credentials/" + id).status()).as("no oracle").isEqualTo(404);
		assertThat(as(stranger).get("/api/v1/credentials").status()).isEqualTo(404);

		String otherOwner = Cuid.next();
		String otherWorkspace = Cuid.next();
		this.replica
			.apply(new crewship.platform.membership.Membership(otherWorkspace, otherOwner, WorkspaceRole.OWNER, 1));
		assertThat(
				as(otherOwner).withHeader("X-Workspace-ID", otherWorkspace).get("/api/v1/credentials/" + id).status())
			.as("another workspace's credential")
			.isEqualTo(404);

		Response duplicate = as(this.owner).postJson("/api/v1/credentials",
				"{\"name\":\"github-acme\",\"value\":\"v\"}");
		assertThat(duplicate.status()).isEqualTo(409);
	}

	@Test
	void createValidatesTypesValuesAndUsernames() {
		Map<String, Integer> cases = Map.of("{\"name\":\"a\"}", 400,
				"{\"name\":\"a\",\"type\":\"NOPE\",\"value\":\"v\"}", 400,
				"{\"name\":\"a\",\"type\":\"USERPASS\",\"value\":\"v\"}", 400,
				"{\"name\":\"a\",\"type\":\"SSH_KEY\",\"value\":\"not a key\"}", 400,
				"{\"name\":\"a\",\"type\":\"OAUTH2\"}", 201);
		cases.forEach(
				(json, status) -> assertThat(as(this.owner).postJson("/api/v1/credentials", json).status()).as(json)
					.isEqualTo(status));
		Response pending = as(this.owner).postJson("/api/v1/credentials", "{\"name\":\"slot\",\"pending\":true}");
		assertThat(pending.json().get("status").asString()).isEqualTo("PENDING");
		Response userpass = as(this.owner).postJson("/api/v1/credentials",
				"{\"name\":\"db\",\"type\":\"USERPASS\",\"username\":\"app\",\"value\":\"pw\"}");
		assertThat(userpass.json().get("username").asString()).isEqualTo("app");
	}

	@Test
	void classificationRaisesForManagersAndLowersOnlyForAdmins() {
		String id = createCredential("prod-db", "postgres://" + Cuid.next());
		String manager = member(WorkspaceRole.MANAGER);
		String path = "/api/v1/credentials/" + id + "/sensitivity";
		Response raised = send(as(manager), "PUT", path, "{\"sensitivity\":\"SEALED\"}");
		assertThat(raised.status()).as(raised.body()).isEqualTo(200);
		assertThat(raised.json().get("previous").asString()).isEqualTo("STANDARD");
		assertThat(send(as(manager), "PUT", path, "{\"sensitivity\":\"STANDARD\"}").status()).isEqualTo(403);
		assertThat(send(as(this.owner), "PUT", path, "{\"sensitivity\":\"BOGUS\"}").status()).isEqualTo(400);
		assertThat(send(as(this.owner), "PUT", path, "{\"sensitivity\":\"RESTRICTED\"}").status()).isEqualTo(200);
		assertThat(as(this.owner).get("/api/v1/credentials/" + id).json().get("sensitivity").asString())
			.isEqualTo("RESTRICTED");
	}

	@Test
	void defaultEnvironmentVariable() {
		Response github = as(this.owner).get("/api/v1/credentials/default-env-var?provider=GITHUB");
		assertThat(github.json().get("env_var").asString()).isEqualTo("GH_TOKEN");
		assertThat(github.json().get("testable").asBoolean()).isTrue();
		Response aws = as(this.owner).get("/api/v1/credentials/default-env-var?provider=AWS");
		assertThat(aws.json().get("env_var").asString()).isEqualTo("AWS_ACCESS_KEY_ID");
		assertThat(aws.json().get("testable").asBoolean()).isFalse();
	}

	@Test
	void customFieldsSealSecretValuesAndShowPlainOnes() {
		String id = createCredential("aws-prod", "AKIA" + Cuid.next());
		String fields = "/api/v1/credentials/" + id + "/fields";
		Response region = as(this.owner).postJson(fields,
				"{\"key\":\"region\",\"value\":\"us-east-1\",\"is_secret\":false,\"ordinal\":0}");
		assertThat(region.status()).as(region.body()).isEqualTo(201);
		assertThat(region.json().get("value").asString()).isEqualTo("us-east-1");
		String hidden = "secret-access-" + Cuid.next();
		Response secret = as(this.owner).postJson(fields,
				"{\"key\":\"secret_access_key\",\"value\":\"" + hidden + "\",\"ordinal\":1}");
		assertThat(secret.json().get("is_secret").asBoolean()).as("secret by default").isTrue();
		assertThat(secret.json().get("value").isNull()).isTrue();
		assertThat(as(this.owner).postJson(fields, "{\"key\":\"region\",\"value\":\"x\"}").status()).as("duplicate")
			.isEqualTo(400);
		assertThat(as(this.owner).postJson(fields, "{\"key\":\"Bad-Key\",\"value\":\"x\"}").status()).isEqualTo(400);
		assertThat(as(member(WorkspaceRole.MEMBER)).postJson(fields, "{\"key\":\"k\",\"value\":\"x\"}").status())
			.isEqualTo(403);

		Response listed = as(member(WorkspaceRole.VIEWER)).get(fields);
		assertThat(listed.json().size()).isEqualTo(2);
		assertThat(listed.body()).doesNotContain(hidden);
		Response updated = send(as(this.owner), "PUT", fields + "/region", "{\"value\":\"eu-central-1\"}");
		assertThat(updated.json().get("value").asString()).isEqualTo("eu-central-1");
		assertThat(internal().get("/api/v1/internal/credentials/" + id + "/value?workspace_id=" + this.workspaceId)
			.json()
			.get("fields")
			.get("secret_access_key")
			.asString()).isEqualTo(hidden);
		assertThat(as(this.owner).delete(fields + "/secret_access_key").json().get("success").asBoolean()).isTrue();
		assertThat(as(this.owner).delete(fields + "/secret_access_key").status()).isEqualTo(404);
		assertThat(this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_id like ?", Integer.class,
				id + "/%"))
			.isZero();
	}

	/**
	 * The dump test: every text, json and bytea column of every table of the vault's
	 * database, read as bytes, holds no trace of a stored value.
	 */
	@Test
	void theDatabaseHoldsNoPlaintextValue() {
		String secret = "plaintext-canary-" + Cuid.next();
		String id = createCredential("canary", secret);
		as(this.owner).postJson("/api/v1/credentials", """
				{"name":"oauth","type":"OAUTH2","refresh_token":"%s-refresh","oauth_client_secret":"%s-client"}"""
			.formatted(secret, secret));
		send(as(this.owner), "PATCH", "/api/v1/credentials/" + id, "{\"value\":\"" + secret + "-rotated\"}");
		assertThat(as(this.owner)
			.postJson("/api/v1/credentials/" + id + "/fields",
					"{\"key\":\"account_id\",\"value\":\"" + secret + "-field\"}")
			.status()).isEqualTo(201);
		assertThat(internal().get("/api/v1/internal/credentials/" + id + "/value?workspace_id=" + this.workspaceId)
			.json()
			.get("value")
			.asString()).isEqualTo(secret + "-rotated");

		List<String> hits = new ArrayList<>();
		List<Map<String, Object>> columns = this.jdbc.queryForList("""
				select table_name, column_name, data_type from information_schema.columns
				 where table_schema = current_schema()
				   and data_type in ('text', 'character varying', 'jsonb', 'json', 'bytea', 'ARRAY')
				""");
		assertThat(columns).extracting(column -> column.get("table_name"))
			.contains("credentials", "sealed_secrets", "credential_audit", "platform_outbox");
		byte[] needle = "plaintext-canary".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		for (Map<String, Object> column : columns) {
			String sql = "select \"%s\"::text from \"%s\"".formatted(column.get("column_name"),
					column.get("table_name"));
			if ("bytea".equals(column.get("data_type"))) {
				sql = "select \"%s\" from \"%s\"".formatted(column.get("column_name"), column.get("table_name"));
				for (byte[] value : this.jdbc.queryForList(sql, byte[].class)) {
					if (value != null && indexOf(value, needle) >= 0) {
						hits.add(column.get("table_name") + "." + column.get("column_name"));
					}
				}
			}
			else {
				for (String value : this.jdbc.queryForList(sql, String.class)) {
					if (value != null && value.contains("plaintext-canary")) {
						hits.add(column.get("table_name") + "." + column.get("column_name"));
					}
				}
			}
		}
		assertThat(hits).as("columns holding a plaintext value").isEmpty();
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
