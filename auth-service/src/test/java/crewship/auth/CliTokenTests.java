package crewship.auth;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLI tokens are shown once, stored as a hash, listed without secrets, and die when
 * revoked.
 */
class CliTokenTests extends AuthTestSupport {

	@Test
	void tokenLifecycle() {
		User user = newUser();
		String asUser = TestIdentities.session(user.getId(), "s1");
		Response created = this.http.postJson("/api/v1/auth/cli-token", "{\"name\":\"ci-runner\"}",
				IdentityAssertion.HEADER, asUser);
		assertThat(created.status()).as(created.body()).isEqualTo(200);
		String token = created.json().get("token").asString();
		String tokenId = created.json().get("id").asString();
		assertThat(token).matches("crewship_cli_[0-9a-f]{64}");
		assertThat(created.json().get("tier").asString()).isEqualTo("STANDARD");

		Response introspected = introspect(token);
		assertThat(introspected.json().get("user_id").asString()).isEqualTo(user.getId());
		assertThat(introspected.json().get("token_id").asString()).isEqualTo(tokenId);

		Response list = this.http.get("/api/v1/auth/cli-tokens", IdentityAssertion.HEADER, asUser);
		assertThat(list.body()).doesNotContain(token.substring(13)).contains("ci-runner");

		Response validate = this.http.get("/api/v1/auth/cli-token/validate", IdentityAssertion.HEADER,
				TestIdentities.cli(user.getId(), tokenId));
		assertThat(validate.json().get("user_email").asString()).isEqualTo(user.getEmail());
		assertThat(validate.json().get("token_id").asString()).as("what logout revokes").isEqualTo(tokenId);

		assertThat(this.http
			.delete("/api/v1/auth/cli-tokens/" + tokenId, IdentityAssertion.HEADER,
					TestIdentities.session(newUser().getId(), "s2"))
			.status()).as("someone else's token").isEqualTo(404);
		assertThat(this.http.delete("/api/v1/auth/cli-tokens/" + tokenId, IdentityAssertion.HEADER, asUser).status())
			.isEqualTo(200);
		assertThat(introspect(token).status()).isEqualTo(404);
		assertThat(this.http.get("/api/v1/auth/cli-tokens", IdentityAssertion.HEADER, asUser).body())
			.contains("revoked_at");
	}

	@Test
	void unknownOrMalformedTokensAreNotLive() {
		assertThat(introspect("crewship_cli_" + "0".repeat(64)).status()).isEqualTo(404);
		assertThat(introspect("Bearer nonsense").status()).isEqualTo(404);
	}

	@Test
	void creatingNeedsAUserAndSaneExpiry() {
		assertThat(
				this.http.postJson("/api/v1/auth/cli-token", "{}", IdentityAssertion.HEADER, TestIdentities.anonymous())
					.status())
			.isEqualTo(401);
		User user = newUser();
		assertThat(this.http
			.postJson("/api/v1/auth/cli-token", "{\"expires_in_seconds\":5}", IdentityAssertion.HEADER,
					TestIdentities.session(user.getId(), "s"))
			.status()).isEqualTo(400);
		Response expiring = this.http.postJson("/api/v1/auth/cli-token", "{\"expires_in_seconds\":3600}",
				IdentityAssertion.HEADER, TestIdentities.session(user.getId(), "s"));
		assertThat(expiring.json().has("expires_at")).isTrue();
	}

	private Response introspect(String token) {
		return this.http.postJson("/api/v1/internal/auth/cli-tokens/introspect", "{\"token\":\"" + token + "\"}",
				IdentityAssertion.HEADER, TestIdentities.internal());
	}

}
