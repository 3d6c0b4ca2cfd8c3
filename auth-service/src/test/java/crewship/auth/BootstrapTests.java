package crewship.auth;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.events.Topics;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import crewship.platform.testing.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first OWNER of an empty instance, once; then signup only when the instance allows
 * it.
 */
class BootstrapTests extends AuthTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void bootstrapWorksOnceOnAnEmptyInstance() {
		this.jdbc.execute("truncate cli_tokens, user_sessions, workspace_members, workspaces, users cascade");
		assertThat(this.http.get("/api/v1/system/setup-status", IdentityAssertion.HEADER, TestIdentities.anonymous())
			.json()
			.get("needs_bootstrap")
			.asBoolean()).isTrue();

		String body = "{\"full_name\":\"Ada Owner\",\"email\":\"ada@example.com\",\"password\":\"" + PASSWORD + "\"}";
		Response first = this.http.postJson("/api/v1/bootstrap", body, IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		assertThat(first.json().get("cli_token").asString()).matches("crewship_cli_[0-9a-f]{64}");
		String userId = first.json().get("user_id").asString();
		String workspaceId = first.json().get("workspace_id").asString();

		Response again = this.http.postJson("/api/v1/bootstrap", body.replace("ada@", "eve@"), IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.header("Content-Type")).startsWith("application/problem+json");

		Response workspaces = this.http.get("/api/v1/workspaces", IdentityAssertion.HEADER,
				TestIdentities.session(userId, "s"));
		assertThat(workspaces.json().get(0).get("id").asString()).isEqualTo(workspaceId);
		assertThat(workspaces.json().get(0).get("currentUserRole").asString()).isEqualTo("OWNER");

		// every service's replica learns the new OWNER from the compacted memberships
		// topic
		String key = workspaceId + ":" + userId;
		var records = TestKafka.readUntil(Topics.MEMBERSHIPS, read -> read.stream().anyMatch(r -> key.equals(r.key())),
				Duration.ofSeconds(20));
		assertThat(records).filteredOn(r -> key.equals(r.key()))
			.singleElement()
			.satisfies(r -> assertThat(r.value()).contains("\"role\":\"OWNER\"")
				.contains("membership.changed")
				.contains("\"name\":\"Ada Owner\""));

		// a rename reaches the replicas' copies of the member's name
		assertThat(this.http
			.send("PATCH", "/api/v1/users/me", "application/json", "{\"full_name\":\"Ada Lovelace\"}",
					IdentityAssertion.HEADER, TestIdentities.session(userId, "s"))
			.status()).isEqualTo(200);
		var renamed = TestKafka.readUntil(Topics.MEMBERSHIPS,
				read -> read.stream().filter(r -> key.equals(r.key())).count() >= 2, Duration.ofSeconds(20));
		assertThat(renamed).filteredOn(r -> key.equals(r.key()))
			.last()
			.satisfies(r -> assertThat(r.value()).contains("\"role\":\"OWNER\"").contains("\"name\":\"Ada Lovelace\""));
	}

	@Test
	void bootstrapValidatesItsFields() {
		Response response = this.http.postJson("/api/v1/bootstrap",
				"{\"full_name\":\"A\",\"email\":\"not-an-email\",\"password\":\"short\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("detail").asString()).contains("full_name")
			.contains("email")
			.contains("password");
	}

	@Test
	void signupIsClosedByDefault() {
		Response response = this.http.postJson("/api/v1/auth/signup",
				"{\"full_name\":\"Bo\",\"email\":\"bo@example.com\",\"password\":\"" + PASSWORD + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.json().get("detail").asString()).contains("CREWSHIP_ALLOW_SIGNUP");
	}

}
