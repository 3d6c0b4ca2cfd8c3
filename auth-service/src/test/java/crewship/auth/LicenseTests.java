package crewship.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.util.ReflectionTestUtils;

import crewship.auth.license.License;
import crewship.auth.license.Licenses;
import crewship.auth.users.User;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** The license endpoint, and the member cap a verified license enforces (402). */
class LicenseTests extends WorkspaceTestSupport {

	@Autowired
	Licenses licenses;

	@Test
	void withoutALicenseTheCommunityEditionIsReportedAndNothingIsCapped() {
		Response license = this.asOwner.get("/api/v1/system/license");
		assertThat(license.status()).isEqualTo(200);
		assertThat(license.json().get("edition").asString()).isEqualTo("community");
		assertThat(license.json().get("max_members").asInt()).isEqualTo(5);
		assertThat(license.json().get("enforced").asBoolean()).isFalse();
		for (int i = 0; i < 5; i++) {
			addMember(newUser(), "MEMBER");
		}
		assertThat(this.http
			.get("/api/v1/system/license", IdentityAssertion.HEADER,
					crewship.platform.testing.TestIdentities.anonymous())
			.status()).isEqualTo(401);
	}

	@Test
	void aVerifiedLicenseCapsMembersWith402() {
		License original = this.licenses.current();
		ReflectionTestUtils.invokeMethod(this.licenses, "install",
				new License("lic-1", "Ada", "Acme", "team", 50, 20, 2, List.of(), null, null, true));
		try {
			addMember(newUser(), "MEMBER");
			User third = newUser();
			Response capped = this.asOwner.postJson(members(), "{\"user_id\":\"" + third.getId() + "\"}");
			assertThat(capped.status()).isEqualTo(402);
			assertThat(capped.header("Content-Type")).startsWith("application/problem+json");
			assertThat(capped.json().get("detail").asString()).contains("2 members");
			assertThat(this.asOwner
				.postJson("/api/v1/workspaces/" + this.workspaceId + "/invitations",
						"{\"email\":\"capped@example.com\"}")
				.status()).isEqualTo(402);
		}
		finally {
			ReflectionTestUtils.invokeMethod(this.licenses, "install", original);
		}
	}

}
