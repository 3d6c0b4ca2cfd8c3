package crewship.crew.connectors;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.crew.integrations.FakeVault;
import crewship.crew.integrations.IntegrationTestSupport;
import crewship.crew.integrations.ThirdPartyStandIns;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector catalog: list and get for anyone signed in, verify against the provider
 * (WireMock for GitHub, the test PostgreSQL for the database probe), install in each auth
 * mode — with every submitted secret in the vault and none in crew-service's answer.
 */
class ConnectorTests extends IntegrationTestSupport {

	WireMockServer providers = ThirdPartyStandIns.wireMock();

	@BeforeEach
	void reset() {
		this.providers.resetAll();
	}

	@Test
	void theCatalogListsTheCuratedConnectorsInOrderAndGetReturnsTheManifest() {
		JsonNode listed = ok(this.owner.get("/api/v1/connectors")).json();
		assertThat(listed).extracting(item -> item.get("id").asString())
			.containsSubsequence("github", "gitlab", "linear", "slack", "sentry", "postgresql", "grafana");
		JsonNode github = listed.get(0);
		assertThat(github.get("auth_mode").asString()).isEqualTo("pat");
		assertThat(github.get("brand_color").asString()).isEqualTo("#181717");

		JsonNode manifest = ok(newMember(WorkspaceRole.VIEWER).get("/api/v1/connectors/slack")).json();
		assertThat(manifest.get("auth_mode").asString()).isEqualTo("byo_oauth");
		assertThat(manifest.get("oauth").get("token_url").asString()).contains("slack.com");
		assertThat(manifest.get("fields")).extracting(field -> field.get("key").asString())
			.contains("client_id", "client_secret");
		assertProblem(this.owner.get("/api/v1/connectors/nope"), 404, "Connector not found");
		assertThat(anonymous().get("/api/v1/connectors").status()).isEqualTo(401);
	}

	@Test
	void verifyAsksTheProviderWithTheSubmittedToken() {
		this.providers.stubFor(get("/github/user").withHeader("Authorization", equalTo("Bearer ghp_good"))
			.willReturn(aResponse().withStatus(200).withBody("{\"login\":\"octocat\"}")));
		this.providers.stubFor(get("/github/user").withHeader("Authorization", equalTo("Bearer ghp_bad"))
			.willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials ghp_bad\"}")));
		String verify = ws("/api/v1/connectors/github/verify");
		JsonNode good = ok(this.owner.postJson(verify, "{\"fields\":{\"token\":\"ghp_good\"}}")).json();
		assertThat(good.get("ok").asBoolean()).isTrue();
		JsonNode bad = ok(this.owner.postJson(verify, "{\"fields\":{\"token\":\"ghp_bad\"}}")).json();
		assertThat(bad.get("ok").asBoolean()).isFalse();
		assertThat(bad.get("message").asString()).contains("401").contains("Bad credentials").doesNotContain("ghp_bad");
		this.providers.verify(2, getRequestedFor(urlEqualTo("/github/user")).withHeader("Accept",
				equalTo("application/vnd.github+json")));

		assertProblem(this.owner.postJson(verify, "{\"fields\":{}}"), 400, "Field 'token' is required");
		assertProblem(newMember(WorkspaceRole.MEMBER).postJson(verify, "{\"fields\":{\"token\":\"x\"}}"), 403, "");
		assertProblem(this.owner.postJson("/api/v1/connectors/github/verify", "{\"fields\":{\"token\":\"x\"}}"), 400,
				"workspace");
		assertThat(ok(this.owner.postJson(ws("/api/v1/connectors/linear/verify"), "{\"fields\":{}}")).json()
			.get("ok")
			.asBoolean()).as("OAuth connectors verify by redirect").isTrue();
	}

	@Test
	void aConnectionStringIsProbedWithTheManifestsQuery() {
		String verify = ws("/api/v1/connectors/postgresql/verify");
		JsonNode good = ok(this.owner.postJson(verify,
				"{\"fields\":{\"connection_string\":\"postgresql://postgres@127.0.0.1:5432/postgres\"}}"))
			.json();
		assertThat(good.get("ok").asBoolean()).as(good.toString()).isTrue();
		JsonNode wrong = ok(this.owner.postJson(verify,
				"{\"fields\":{\"connection_string\":\"postgresql://postgres:pw@127.0.0.1:5432/no_such_database_x\"}}"))
			.json();
		assertThat(wrong.get("ok").asBoolean()).isFalse();
		assertThat(wrong.get("message").asString()).contains("The database refused").doesNotContain(":pw@");
		assertThat(ok(this.owner.postJson(verify, "{\"fields\":{\"connection_string\":\"mysql://x@h/db\"}}")).json()
			.get("ok")
			.asBoolean()).isFalse();
	}

	@Test
	void installingWithATokenSealsItInTheVaultAndKeepsOnlyAReference() {
		JsonNode installed = created(this.owner.postJson(ws("/api/v1/connectors/github/install"),
				"{\"name\":\"GitHub (org)\",\"fields\":{\"token\":\"ghp_install_secret\"}}"))
			.json();
		assertThat(installed.has("next_step")).isFalse();
		String id = installed.get("integration_id").asString();
		JsonNode integration = ok(this.owner.get(ws("/api/v1/integrations/" + id))).json();
		assertThat(integration.get("display_name").asString()).isEqualTo("GitHub (org)");
		assertThat(integration.get("endpoint").asString()).isEqualTo("https://api.githubcopilot.com/mcp/");
		assertThat(integration.get("source").asString()).isEqualTo("connector:github");
		String credential = integration.get("credential_id").asString();
		assertThat(FakeVault.credentials.get(credential)).containsEntry("value", "ghp_install_secret")
			.containsEntry("workspace_id", this.workspaceId);
		assertThat(integration.toString()).doesNotContain("ghp_install_secret");

		// a crew-scoped install of a stdio connector references its secret from env_json
		String crew = crew(slug("ops"));
		String crewIntegration = created(this.owner.postJson(ws("/api/v1/connectors/gitlab/install"),
				"{\"crew_id\":\"" + crew + "\",\"fields\":{\"token\":\"glpat-secret\"}}"))
			.json()
			.get("integration_id")
			.asString();
		JsonNode gitlab = ok(this.owner.get(ws("/api/v1/crews/" + crew + "/integrations"))).json().get(0);
		assertThat(gitlab.get("id").asString()).isEqualTo(crewIntegration);
		assertThat(gitlab.get("transport").asString()).isEqualTo("stdio");
		assertThat(gitlab.get("env_json").asString()).contains("{{credential:GitLab Personal access token}}")
			.contains("https://gitlab.com/api/v4")
			.doesNotContain("glpat-secret");

		// deleting the integration removes the credential it made
		ok(this.owner.delete(ws("/api/v1/integrations/" + id)));
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (FakeVault.credentials.containsKey(credential) && System.nanoTime() < deadline) {
			sleep(50);
		}
		assertThat(FakeVault.credentials).doesNotContainKey(credential);
	}

	@Test
	void oauthConnectorsAnswerTheirNextStep() {
		JsonNode slack = created(this.owner.postJson(ws("/api/v1/connectors/slack/install"),
				"{\"fields\":{\"client_id\":\"slack-client\",\"client_secret\":\"slack-client-secret\",\"team_id\":\"T1\"}}"))
			.json();
		assertThat(slack.get("next_step").asString()).isEqualTo("oauth");
		assertThat(slack.get("oauth_url").asString()).startsWith("https://slack.com/oauth/v2/authorize")
			.contains("client_id=slack-client");
		JsonNode integration = ok(this.owner.get(ws("/api/v1/integrations/" + slack.get("integration_id").asString())))
			.json();
		assertThat(integration.get("auth_status").asString()).isEqualTo("pending");
		assertThat(integration.get("env_json").asString()).contains("{{credential:Slack OAuth}}")
			.contains("\"SLACK_TEAM_ID\":\"T1\"");
		Map<String, Object> client = FakeVault.credentials.get(integration.get("credential_id").asString());
		assertThat(client).containsEntry("type", "OAUTH2")
			.containsEntry("oauth_client_secret", "slack-client-secret")
			.containsEntry("oauth_token_url", "https://slack.com/api/oauth.v2.access");
		assertThat(slack.toString() + integration).doesNotContain("slack-client-secret");

		JsonNode linear = created(this.owner.postJson(ws("/api/v1/connectors/linear/install"), "{\"fields\":{}}"))
			.json();
		assertThat(linear.get("next_step").asString()).isEqualTo("mcp_oauth");
		JsonNode fetch = created(this.owner.postJson(ws("/api/v1/connectors/fetch/install"), "{\"fields\":{}}")).json();
		assertThat(fetch.has("next_step")).isFalse();
		assertProblem(this.owner.postJson(ws("/api/v1/connectors/slack/install"), "{\"fields\":{\"client_id\":\"x\"}}"),
				400, "client_secret");
		assertProblem(
				newMember(WorkspaceRole.MEMBER).postJson(ws("/api/v1/connectors/fetch/install"), "{\"fields\":{}}"),
				403, "");
	}

}
