package crewship.vault.probes;

import java.time.Instant;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;
import crewship.vault.VaultTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test endpoints end to end: a stored ENDPOINT_URL credential dials WireMock, and the
 * outcome lands on the credential and its timeline.
 */
class CredentialTestApiTests extends VaultTestSupport {

	WireMockServer endpoint = new WireMockServer(options().dynamicPort());

	@BeforeEach
	void start() {
		this.endpoint.start();
	}

	@AfterEach
	void stop() {
		this.endpoint.stop();
	}

	String storedEndpoint(String name) {
		Response created = as(this.owner).postJson("/api/v1/credentials", """
				{"name":"%s","type":"ENDPOINT_URL","value":"%s/health"}""".formatted(name, this.endpoint.baseUrl()));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("testable").asBoolean()).isTrue();
		return created.json().get("id").asString();
	}

	@Test
	void aStoredCredentialIsTestedAndItsStatusFollows() {
		String id = storedEndpoint("health-url");
		this.endpoint.stubFor(get("/health").willReturn(aResponse().withStatus(401)));
		Response refused = as(this.owner).postJson("/api/v1/credentials/" + id + "/test", null);
		assertThat(refused.status()).as(refused.body()).isEqualTo(200);
		assertThat(refused.json().get("valid").asBoolean()).isFalse();
		assertThat(refused.json().get("supported").asBoolean()).isTrue();
		assertThat(refused.json().get("status").asInt()).isEqualTo(401);
		Response after = as(this.owner).get("/api/v1/credentials/" + id);
		assertThat(after.json().get("status").asString()).isEqualTo("INVALID");
		assertThat(after.json().get("last_error").asString()).contains("401");

		this.endpoint.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
		assertThat(as(this.owner).postJson("/api/v1/credentials/" + id + "/test", null).json().get("valid").asBoolean())
			.isTrue();
		Response healed = as(this.owner).get("/api/v1/credentials/" + id);
		assertThat(healed.json().get("status").asString()).isEqualTo("ACTIVE");
		assertThat(healed.json().get("last_checked_at").isNull()).isFalse();
		assertThat(
				as(this.owner).get("/api/v1/credentials/" + id + "/audit").json().get(0).get("event_type").asString())
			.isEqualTo("TEST");
		assertThat(as(member(WorkspaceRole.MEMBER)).postJson("/api/v1/credentials/" + id + "/test", null).status())
			.isEqualTo(403);
	}

	@Test
	void anExpiredTokenBecomesExpiredWithoutAProbe() {
		Response created = as(this.owner).postJson("/api/v1/credentials", """
				{"name":"old-token","provider":"GITHUB","value":"ghp_old","token_expires_at":"%s"}"""
			.formatted(Instant.now().minusSeconds(60)));
		String id = created.json().get("id").asString();
		Response tested = as(this.owner).postJson("/api/v1/credentials/" + id + "/test", null);
		assertThat(tested.json().get("valid").asBoolean()).isFalse();
		assertThat(as(this.owner).get("/api/v1/credentials/" + id).json().get("status").asString())
			.isEqualTo("EXPIRED");
	}

	@Test
	void anUnsavedValueIsTestedWithoutAWorkspace() {
		this.endpoint.stubFor(get("/health").willReturn(aResponse().withStatus(200)));
		Response tested = this.http
			.withHeader(crewship.platform.identity.IdentityAssertion.HEADER,
					crewship.platform.testing.TestIdentities.cli(this.owner, "t"))
			.postJson("/api/v1/credentials/test",
					"{\"type\":\"ENDPOINT_URL\",\"value\":\"" + this.endpoint.baseUrl() + "/health\"}");
		assertThat(tested.status()).as(tested.body()).isEqualTo(200);
		assertThat(tested.json().get("valid").asBoolean()).isTrue();
		assertThat(tested.json().has("credential_status")).isFalse();
		assertThat(this.http
			.withHeader(crewship.platform.identity.IdentityAssertion.HEADER,
					crewship.platform.testing.TestIdentities.anonymous())
			.postJson("/api/v1/credentials/test", "{\"value\":\"x\"}")
			.status()).isEqualTo(401);
	}

}
