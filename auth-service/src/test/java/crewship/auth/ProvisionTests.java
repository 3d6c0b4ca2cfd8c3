package crewship.auth;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.auth.recovery.PasswordTokens;
import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provisioning members by email, and the one-time setup link that sets their password.
 */
class ProvisionTests extends WorkspaceTestSupport {

	@Autowired
	PasswordTokens passwordTokens;

	@Autowired
	TransactionTemplate transactions;

	String provision() {
		return members() + "/provision";
	}

	Response signIn(String email, String password) {
		return this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
	}

	Response reset(String token, String password) {
		return this.http.postJson("/api/v1/auth/reset",
				"{\"token\":\"" + token + "\",\"new_password\":\"" + password + "\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
	}

	@Test
	void aNewAddressGetsAnAccountAMembershipAndASetupLinkThatWorksOnce() {
		String email = "new-" + Cuid.next() + "@example.com";
		Response provisioned = this.asOwner.postJson(provision(),
				"{\"email\":\"" + email + "\",\"role\":\"MANAGER\",\"full_name\":\"New Hire\"}");
		assertThat(provisioned.status()).as(provisioned.body()).isEqualTo(201);
		assertThat(provisioned.json().get("created_user").asBoolean()).isTrue();
		assertThat(provisioned.json().get("role").asString()).isEqualTo("MANAGER");
		String setupUrl = provisioned.json().get("setup_url").asString();
		assertThat(setupUrl).startsWith("https://crewship.example/reset-password?token=");
		assertThat(provisioned.json().get("expires_at").asString()).isNotBlank();
		String userId = provisioned.json().get("user_id").asString();
		assertThat(this.asOwner.get(members()).body()).contains(userId);

		// no password yet: nobody can sign in as them
		assertThat(signIn(email, "anything-at-all").status()).isEqualTo(401);
		String token = setupUrl.substring(setupUrl.indexOf("token=") + 6);
		assertThat(reset(token, "short").status()).isEqualTo(400);
		assertThat(reset(token, "their-own-password").status()).isEqualTo(200);
		assertThat(signIn(email, "their-own-password").status()).isEqualTo(200);
		assertThat(reset(token, "someone-elses-password").status()).as("single use").isEqualTo(400);
		assertThat(reset("0".repeat(64), "whatever-password").status()).isEqualTo(400);
	}

	@Test
	void anExistingAccountIsAddedWithoutALinkAndTwiceIs409() {
		User existing = newUser();
		Response provisioned = this.asOwner.postJson(provision(), "{\"email\":\"" + existing.getEmail() + "\"}");
		assertThat(provisioned.status()).as(provisioned.body()).isEqualTo(201);
		assertThat(provisioned.json().get("created_user").asBoolean()).isFalse();
		assertThat(provisioned.json().get("setup_url").asString()).isEmpty();
		assertThat(provisioned.json().get("role").asString()).isEqualTo("MEMBER");
		assertThat(this.asOwner.postJson(provision(), "{\"email\":\"" + existing.getEmail() + "\"}").status())
			.isEqualTo(409);
		// their password still works: provisioning does not touch an existing account
		assertThat(signIn(existing.getEmail(), PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void badInputAndLowRolesAreRefused() {
		assertThat(this.asOwner.postJson(provision(), "{\"email\":\"not-an-email\"}").status()).isEqualTo(400);
		assertThat(this.asOwner.postJson(provision(), "{\"email\":\"a@example.com\",\"role\":\"OWNER\"}").status())
			.isEqualTo(400);
		User manager = newUser();
		addMember(manager, "MANAGER");
		assertThat(as(manager).postJson(provision(), "{\"email\":\"b-" + Cuid.next() + "@example.com\"}").status())
			.isEqualTo(403);
		User stranger = newUser();
		assertThat(as(stranger).postJson(provision(), "{\"email\":\"c-" + Cuid.next() + "@example.com\"}").status())
			.isEqualTo(404);
	}

	@Test
	void aResetRevokesEverySessionOfTheUser() {
		User user = newUser();
		Response signIn = signIn(user.getEmail(), PASSWORD);
		String sessionId = SessionFlowTests.sessionIdOf(signIn);
		String token = this.users.findById(user.getId()).map(found -> issueToken(found.getId())).orElseThrow();
		assertThat(reset(token, "a-brand-new-password").status()).isEqualTo(200);
		assertThat(this.http
			.get("/api/auth/session", IdentityAssertion.HEADER, TestIdentities.session(user.getId(), sessionId))
			.body()).isEqualTo("{}");
		assertThat(signIn(user.getEmail(), PASSWORD).status()).isEqualTo(401);
	}

	String issueToken(String userId) {
		return this.transactions
			.execute(status -> this.passwordTokens.issue(userId, "password_reset", Duration.ofMinutes(30)).token());
	}

}
