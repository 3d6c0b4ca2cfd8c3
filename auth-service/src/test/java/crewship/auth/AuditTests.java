package crewship.auth;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit records travel outbox → crewship.audit.v1 → auth-service's store, and
 * {@code GET /api/v1/audit} serves them to ADMIN and OWNER.
 */
class AuditTests extends AuthTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	private TestHttp as(User user) {
		return this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(user.getId(), "s-" + user.getId()));
	}

	private Response awaitAudit(TestHttp client, String query, int atLeast) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		Response response;
		do {
			response = client.get("/api/v1/audit?" + query);
			if (response.status() == 200 && response.json().get("data").size() >= atLeast) {
				return response;
			}
			Thread.sleep(200);
		}
		while (System.nanoTime() < deadline);
		return response;
	}

	@Test
	void membershipChangesAreAuditedAndServedToManagersOnly() throws Exception {
		User owner = newUser();
		User member = newUser();
		String workspaceId = as(owner)
			.postJson("/api/v1/workspaces", "{\"name\":\"Audited\",\"slug\":\"aud-" + Cuid.next().substring(12) + "\"}")
			.json()
			.get("id")
			.asString();
		String memberId = as(owner)
			.postJson("/api/v1/workspaces/" + workspaceId + "/members", "{\"user_id\":\"" + member.getId() + "\"}")
			.json()
			.get("id")
			.asString();
		as(owner).send("PATCH", "/api/v1/workspaces/" + workspaceId + "/members/" + memberId, "application/json",
				"{\"role\":\"VIEWER\"}");

		Response audit = awaitAudit(as(owner), "workspace_id=" + workspaceId, 3);
		assertThat(audit.json().get("data").valueStream().map(row -> row.get("action").asString()))
			.contains("member.added", "member.role_changed");
		assertThat(audit.json().get("pagination").get("total").asInt()).isGreaterThanOrEqualTo(3);
		assertThat(audit.json().get("data").get(0).get("user_email").asString()).isEqualTo(owner.getEmail());

		Response filtered = as(owner).get("/api/v1/audit?workspace_id=" + workspaceId + "&action=member.role_changed");
		assertThat(filtered.json().get("data").size()).isEqualTo(1);
		assertThat(filtered.json().get("data").get(0).get("metadata").asString()).contains("VIEWER");

		assertThat(as(member).get("/api/v1/audit?workspace_id=" + workspaceId).status()).as("a VIEWER").isEqualTo(403);
		assertThat(as(newUser()).get("/api/v1/audit?workspace_id=" + workspaceId).status()).as("a stranger")
			.isEqualTo(404);
	}

	@Test
	void signInsAndFailedSignInsAreAudited() throws Exception {
		User user = newUser();
		for (String password : new String[] { "wrong-password", PASSWORD }) {
			this.http.postJson("/api/auth/callback/credentials",
					"{\"email\":\"" + user.getEmail() + "\",\"password\":\"" + password + "\"}",
					IdentityAssertion.HEADER, TestIdentities.anonymous(), "User-Agent", "audit-test");
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		int rows = 0;
		while (System.nanoTime() < deadline && rows < 2) {
			rows = this.jdbc.queryForObject(
					"select count(*) from audit_logs where user_id = ? and action in ('auth.login', 'auth.login_failed')",
					Integer.class, user.getId());
			Thread.sleep(200);
		}
		assertThat(rows).isEqualTo(2);
		assertThat(this.jdbc.queryForObject(
				"select user_agent from audit_logs where user_id = ? and action = 'auth.login'", String.class,
				user.getId()))
			.isEqualTo("audit-test");
	}

}
