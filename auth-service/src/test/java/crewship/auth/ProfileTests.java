package crewship.auth;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Password change revokes the other sessions; repeated misses lock the account for a
 * while.
 */
class ProfileTests extends AuthTestSupport {

	private Response signIn(String email, String password) {
		return this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
	}

	private Response changePassword(User user, String sessionId, String current, String next) {
		return this.http.postJson("/api/v1/users/me/password",
				"{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}",
				IdentityAssertion.HEADER, TestIdentities.session(user.getId(), sessionId));
	}

	private boolean live(String sessionId) {
		return this.http
			.get("/api/v1/internal/auth/sessions/" + sessionId, IdentityAssertion.HEADER, TestIdentities.internal())
			.status() == 200;
	}

	@Test
	void passwordChangeKeepsThisSessionAndRevokesTheOthers() {
		User user = newUser();
		String current = SessionFlowTests.sessionIdOf(signIn(user.getEmail(), PASSWORD));
		String other = SessionFlowTests.sessionIdOf(signIn(user.getEmail(), PASSWORD));

		assertThat(changePassword(user, current, "wrong-password", "new-password-1").status()).isEqualTo(401);
		assertThat(changePassword(user, current, PASSWORD, "short").status()).isEqualTo(400);
		Response changed = changePassword(user, current, PASSWORD, "new-password-1");
		assertThat(changed.status()).as(changed.body()).isEqualTo(200);
		assertThat(changed.json().get("sessions_revoked").asInt()).isEqualTo(1);
		assertThat(live(current)).isTrue();
		assertThat(live(other)).isFalse();
		assertThat(signIn(user.getEmail(), PASSWORD).status()).isEqualTo(401);
		assertThat(signIn(user.getEmail(), "new-password-1").status()).isEqualTo(200);
	}

	@Test
	void repeatedMissesLockTheAccountEvenForTheRightPassword() {
		User user = newUser();
		for (int i = 0; i < 5; i++) {
			assertThat(signIn(user.getEmail(), "wrong-" + i).status()).isEqualTo(401);
		}
		Response locked = signIn(user.getEmail(), PASSWORD);
		assertThat(locked.status()).isEqualTo(429);
		assertThat(Integer.parseInt(locked.header("Retry-After"))).isBetween(1, 30);
		assertThat(locked.header("Content-Type")).startsWith("application/problem+json");
	}

	@Test
	void renameNeedsAUser() {
		User user = newUser();
		Response renamed = this.http.send("PATCH", "/api/v1/users/me", "application/json", "{\"full_name\":\"Ada L\"}",
				IdentityAssertion.HEADER, TestIdentities.session(user.getId(), "s"));
		assertThat(renamed.json().get("full_name").asString()).isEqualTo("Ada L");
		assertThat(this.http
			.send("PATCH", "/api/v1/users/me", "application/json", "{\"full_name\":\"\"}", IdentityAssertion.HEADER,
					TestIdentities.session(user.getId(), "s"))
			.status()).isEqualTo(400);
		assertThat(this.http
			.send("PATCH", "/api/v1/users/me", "application/json", "{\"full_name\":\"X\"}", IdentityAssertion.HEADER,
					TestIdentities.anonymous())
			.status()).isEqualTo(401);
	}

}
