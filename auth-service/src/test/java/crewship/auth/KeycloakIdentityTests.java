package crewship.auth;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.resource.UsersResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code CREWSHIP_IDP=keycloak} against the real Keycloak server: accounts and passwords
 * live in the realm, sessions and workspaces stay here. Keycloak is reached through a
 * proxy the tests can cut, so "Keycloak is down" needs no other context.
 */
@TestPropertySource(properties = { "crewship.auth.idp=keycloak", "crewship.auth.allow-signup=true",
		"crewship.auth.keycloak.read-timeout=3s", "crewship.auth.keycloak.retry-after=7s" })
class KeycloakIdentityTests extends AuthTestSupport {

	private static CuttableProxy proxy;

	@Autowired
	JdbcTemplate jdbc;

	@DynamicPropertySource
	static void keycloak(DynamicPropertyRegistry registry) {
		registry.add("crewship.auth.keycloak.url", () -> "http://127.0.0.1:" + proxy().port());
		registry.add("crewship.auth.keycloak.admin-user", () -> KeycloakServer.ADMIN_USER);
		registry.add("crewship.auth.keycloak.admin-password", () -> KeycloakServer.get().adminPassword());
	}

	private static synchronized CuttableProxy proxy() {
		if (proxy == null) {
			proxy = new CuttableProxy(Integer.parseInt(KeycloakServer.get().url().replaceAll(".*:", "")));
		}
		return proxy;
	}

	@AfterEach
	void keycloakBackUp() {
		proxy().restore();
	}

	private static UsersResource keycloakUsers() {
		return KeycloakServer.get().admin().realm("crewship").users();
	}

	private static UserRepresentation inKeycloak(String email) {
		List<UserRepresentation> found = keycloakUsers().searchByUsername(email, true);
		assertThat(found).as("Keycloak users named " + email).hasSize(1);
		return found.get(0);
	}

	private Map<String, Object> row(String email) {
		return this.jdbc.queryForMap(
				"select id, password_hash, keycloak_subject, failed_login_count from users where email = ?", email);
	}

	private static String newEmail(String who) {
		return who + "-" + UUID.randomUUID() + "@example.com";
	}

	private TestHttp.Response signIn(String email, String password) {
		return this.http.postJson("/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", IdentityAssertion.HEADER,
				TestIdentities.anonymous());
	}

	/** Signup answers the same 202 whatever became of the address. */
	private void signup(String email, String password) {
		TestHttp.Response response = this.http.postJson("/api/v1/auth/signup",
				"{\"full_name\":\"Kay Cloak\",\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(response.status()).as(response.body()).isEqualTo(202);
	}

	private TestHttp.Response bootstrap(String email) {
		return this.http.postJson("/api/v1/bootstrap",
				"{\"full_name\":\"Ada Owner\",\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
	}

	private void emptyInstance() {
		this.jdbc.execute("truncate cli_tokens, user_sessions, workspace_members, workspaces, users cascade");
	}

	private static void assertUnavailable(TestHttp.Response response) {
		assertThat(response.status()).as(response.body()).isEqualTo(503);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.header("Retry-After")).isEqualTo("7");
		assertThat(response.json().get("detail").asString()).contains("identity provider is unavailable");
	}

	@Test
	void bootstrapCreatesTheOwnerInKeycloakWhoThenSignsIn() {
		emptyInstance();
		String email = newEmail("owner");
		TestHttp.Response created = bootstrap(email);
		assertThat(created.status()).as(created.body()).isEqualTo(201);

		UserRepresentation owner = inKeycloak(email);
		assertThat(owner.getEmail()).isEqualTo(email);
		assertThat(owner.isEnabled()).isTrue();
		assertThat(owner.isEmailVerified()).isTrue();
		assertThat(owner.getFirstName()).isEqualTo("Ada");
		assertThat(owner.getLastName()).isEqualTo("Owner");
		Map<String, Object> row = row(email);
		assertThat(row.get("id")).isEqualTo(created.json().get("user_id").asString());
		assertThat(row.get("keycloak_subject")).isEqualTo(owner.getId());
		assertThat(row.get("password_hash")).as("the password lives only in Keycloak").isNull();

		TestHttp.Response signedIn = signIn(email, PASSWORD);
		assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(200);
		assertThat(signedIn.header("Set-Cookie")).startsWith("authjs.session-token=");
	}

	@Test
	void bootstrapLeavesNothingBehindWhileKeycloakIsDown() {
		emptyInstance();
		proxy().cut();
		assertUnavailable(bootstrap(newEmail("owner")));
		assertThat(this.jdbc.queryForObject("select count(*) from users", Long.class))
			.as("no owner without a credential")
			.isZero();
	}

	@Test
	void signupProvisionsInKeycloakAndRedeemsTheInvitation() {
		User owner = newUser();
		TestHttp asOwner = this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(owner.getId(), "s-" + owner.getId()));
		String workspaceId = asOwner
			.postJson("/api/v1/workspaces", "{\"name\":\"Keyed\",\"slug\":\"kc-" + Cuid.next().substring(12) + "\"}")
			.json()
			.get("id")
			.asString();
		String email = newEmail("invitee");
		assertThat(asOwner
			.postJson("/api/v1/workspaces/" + workspaceId + "/invitations",
					"{\"email\":\"" + email + "\",\"role\":\"MANAGER\"}")
			.status()).isEqualTo(201);

		signup(email, PASSWORD);
		Map<String, Object> row = row(email);
		assertThat(row.get("keycloak_subject")).isEqualTo(inKeycloak(email).getId());
		assertThat(row.get("password_hash")).isNull();
		TestHttp.Response member = this.http.get("/api/v1/workspaces/" + workspaceId, IdentityAssertion.HEADER,
				TestIdentities.session((String) row.get("id"), "s"));
		assertThat(member.json().get("currentUserRole").asString()).isEqualTo("MANAGER");
		assertThat(signIn(email, PASSWORD).status()).isEqualTo(200);

		// signing up again for the same address changes nothing and says nothing
		signup(email, "someone-elses-password");
		assertThat(signIn(email, "someone-elses-password").status()).isEqualTo(401);
		assertThat(signIn(email, PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void signupDoesNotTakeOverAnAccountThatOnlyKeycloakHas() {
		String email = newEmail("kc-only");
		UserRepresentation account = new UserRepresentation();
		account.setUsername(email);
		account.setEmail(email);
		account.setEnabled(true);
		account.setEmailVerified(true);
		CredentialRepresentation credential = new CredentialRepresentation();
		credential.setType(CredentialRepresentation.PASSWORD);
		credential.setValue("the-keycloak-password");
		credential.setTemporary(false);
		account.setCredentials(List.of(credential));
		String subject;
		try (Response created = keycloakUsers().create(account)) {
			subject = CreatedResponseUtil.getCreatedId(created);
		}

		signup(email, PASSWORD);
		assertThat(this.users.findByEmail(email)).as("nothing created, nothing overwritten").isEmpty();

		signup(email, "the-keycloak-password");
		assertThat(row(email).get("keycloak_subject")).as("whoever knows its password adopts it").isEqualTo(subject);
		assertThat(signIn(email, "the-keycloak-password").status()).isEqualTo(200);
	}

	@Test
	void aWrongPasswordIsThe401OfAnUnknownAddressAndCountsTowardTheLockout() {
		String email = newEmail("miss");
		signup(email, PASSWORD);
		TestHttp.Response wrong = signIn(email, "not-the-password");
		TestHttp.Response unknown = signIn(newEmail("nobody"), PASSWORD);
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(unknown.status()).isEqualTo(401);
		assertThat(wrong.json().get("detail").asString()).isEqualTo("Invalid email or password")
			.isEqualTo(unknown.json().get("detail").asString());
		assertThat(row(email).get("failed_login_count")).isEqualTo(1);

		for (int i = 0; i < 4; i++) {
			assertThat(signIn(email, "wrong-" + i).status()).isEqualTo(401);
		}
		TestHttp.Response locked = signIn(email, PASSWORD);
		assertThat(locked.status()).as("locked even for the right password").isEqualTo(429);
		assertThat(locked.header("Retry-After")).isNotNull();
	}

	@Test
	void passwordChangeGoesToKeycloak() {
		String email = newEmail("changer");
		signup(email, PASSWORD);
		String userId = (String) row(email).get("id");
		String session = SessionFlowTests.sessionIdOf(signIn(email, PASSWORD));
		String asSession = TestIdentities.session(userId, session);

		assertThat(changePassword(asSession, "wrong-password", "brand-new-password").status()).isEqualTo(401);
		TestHttp.Response changed = changePassword(asSession, PASSWORD, "brand-new-password");
		assertThat(changed.status()).as(changed.body()).isEqualTo(200);

		assertThat(signIn(email, PASSWORD).status()).isEqualTo(401);
		assertThat(signIn(email, "brand-new-password").status()).isEqualTo(200);
		assertThat(row(email).get("password_hash")).isNull();
	}

	@Test
	void aProvisionedMemberIsCreatedInKeycloakWithThePasswordTheySetThemselves() {
		User owner = newUser();
		TestHttp asOwner = this.http.withHeader(IdentityAssertion.HEADER,
				TestIdentities.session(owner.getId(), "s-" + owner.getId()));
		TestHttp.Response workspace = asOwner.postJson("/api/v1/workspaces",
				"{\"name\":\"Cloak Works\",\"slug\":\"ws-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
		String email = newEmail("hire");
		TestHttp.Response provisioned = asOwner.postJson(
				"/api/v1/workspaces/" + workspace.json().get("id").asString() + "/members/provision",
				"{\"email\":\"" + email + "\"}");
		assertThat(provisioned.status()).as(provisioned.body()).isEqualTo(201);
		assertThat(keycloakUsers().searchByUsername(email, true)).as("no password yet, so no Keycloak account")
			.isEmpty();
		String url = provisioned.json().get("setup_url").asString();
		TestHttp.Response reset = this.http.postJson("/api/v1/auth/reset",
				"{\"token\":\"" + url.substring(url.indexOf("token=") + 6) + "\",\"new_password\":\"set-by-the-hire\"}",
				IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(reset.status()).as(reset.body()).isEqualTo(200);
		assertThat(row(email).get("keycloak_subject")).isEqualTo(inKeycloak(email).getId());
		assertThat(signIn(email, "set-by-the-hire").status()).isEqualTo(200);
	}

	@Test
	void anAccountFromBeforeTheSwitchMovesToKeycloakWhenItChangesItsPassword() {
		User local = newUser(); // a bcrypt hash, as under crewship.auth.idp=local
		String session = SessionFlowTests.sessionIdOf(signIn(local.getEmail(), PASSWORD));
		TestHttp.Response changed = changePassword(TestIdentities.session(local.getId(), session), PASSWORD,
				"moved-to-keycloak");
		assertThat(changed.status()).as(changed.body()).isEqualTo(200);

		Map<String, Object> row = row(local.getEmail());
		assertThat(row.get("password_hash")).isNull();
		assertThat(row.get("keycloak_subject")).isEqualTo(inKeycloak(local.getEmail()).getId());
		assertThat(signIn(local.getEmail(), "moved-to-keycloak").status()).isEqualTo(200);
		assertThat(signIn(local.getEmail(), PASSWORD).status()).isEqualTo(401);
	}

	@Test
	void whileKeycloakIsDownSignInIs503AndNoMiss() {
		String email = newEmail("outage");
		signup(email, PASSWORD);
		proxy().cut();
		assertUnavailable(signIn(email, PASSWORD));
		assertUnavailable(signIn(newEmail("nobody"), PASSWORD));
		assertThat(row(email).get("failed_login_count")).as("an outage is not a wrong password").isEqualTo(0);

		proxy().restore();
		assertThat(signIn(email, PASSWORD).status()).isEqualTo(200);
	}

	private TestHttp.Response changePassword(String identity, String current, String next) {
		return this.http.postJson("/api/v1/users/me/password",
				"{\"current_password\":\"" + current + "\",\"new_password\":\"" + next + "\"}",
				IdentityAssertion.HEADER, identity);
	}

}
