package crewship.crew.composio;

import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.crew.integrations.FakeVault;
import crewship.crew.integrations.IntegrationTestSupport;
import crewship.crew.integrations.ThirdPartyStandIns;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Composio operations against WireMock standing in for Composio's REST API: nothing
 * without a key, the workspace key validated and sealed in the vault, catalog and
 * inventory reads, triggers, Connect Links, connected-account management, the default
 * connector and per-agent, per-app bindings that reach the agent's resolved set.
 */
class ComposioTests extends IntegrationTestSupport {

	static final String KEY = "ak_composio_workspace_key";

	WireMockServer composio = ThirdPartyStandIns.wireMock();

	@BeforeEach
	void reset() {
		this.composio.resetAll();
	}

	MappingBuilder withKey(MappingBuilder mapping) {
		return mapping.withHeader("x-api-key", equalTo(KEY));
	}

	void stub(MappingBuilder mapping, String json) {
		this.composio.stubFor(
				withKey(mapping).willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(json)));
	}

	void configure() {
		stub(get(urlPathEqualTo("/composio/api/v3/auth_configs")), """
				{"items":[{"id":"ac_gmail","name":"gmail-1","status":"ENABLED","toolkit":{"slug":"gmail"}},
				          {"id":"ac_github","name":"github-1","status":"ENABLED","toolkit":{"slug":"github"}}]}""");
		ok(put(this.owner, ws("/api/v1/integrations/composio/settings"),
				"{\"api_key\":\"" + KEY + "\",\"label\":\"Crewship_dev_1\"}"));
		stub(get(urlPathEqualTo("/composio/api/v3/connected_accounts")), """
				{"items":[{"id":"ca_2","user_id":"user-b","status":"ACTIVE","toolkit":{"slug":"github"},
				           "auth_config":{"id":"ac_github","auth_scheme":"OAUTH2"}},
				          {"id":"ca_1","user_id":"user-a","status":"ACTIVE","toolkit":{"slug":"gmail"},
				           "auth_config":{"id":"ac_gmail","auth_scheme":"OAUTH2"}},
				          {"id":"ca_3","user_id":"user-a","status":"ACTIVE","toolkit":{"slug":"github"},
				           "auth_config":{"id":"ac_github","auth_scheme":"OAUTH2"}}],"next_cursor":null}""");
	}

	@Test
	void withoutAKeyReadsAreDisabledAndChangesRefused() {
		JsonNode inventory = ok(this.owner.get(ws("/api/v1/integrations/composio/inventory"))).json();
		assertThat(inventory.get("enabled").asBoolean()).isFalse();
		assertThat(inventory.get("users")).isEmpty();
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/composio/toolkits"))).json().get("total").asInt())
			.isZero();
		JsonNode settings = ok(this.owner.get(ws("/api/v1/integrations/composio/settings"))).json();
		assertThat(settings.get("configured").asBoolean()).isFalse();
		assertThat(settings.get("source").asString()).isEqualTo("none");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations/composio/connect"),
				"{\"toolkit\":\"gmail\",\"user_id\":\"u\"}"), 400, "not configured");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations/composio/accounts/ca_1/revoke"), null), 400,
				"not configured");
	}

	@Test
	void theWorkspaceKeyIsValidatedSealedAndUsed() {
		this.composio
			.stubFor(get(urlPathEqualTo("/composio/api/v3/auth_configs")).withHeader("x-api-key", equalTo("ak_wrong"))
				.willReturn(aResponse().withStatus(401)));
		assertProblem(put(this.owner, ws("/api/v1/integrations/composio/settings"), "{\"api_key\":\"ak_wrong\"}"), 400,
				"rejected");
		assertProblem(put(newMember(WorkspaceRole.MANAGER), ws("/api/v1/integrations/composio/settings"),
				"{\"api_key\":\"" + KEY + "\"}"), 403, "");
		configure();
		JsonNode settings = ok(this.owner.get(ws("/api/v1/integrations/composio/settings"))).json();
		assertThat(settings.get("configured").asBoolean()).isTrue();
		assertThat(settings.get("source").asString()).isEqualTo("workspace");
		assertThat(settings.get("label").asString()).isEqualTo("Crewship_dev_1");
		String credential = this.jdbc.queryForObject(
				"select credential_id from composio_settings where workspace_id = ?", String.class, this.workspaceId);
		assertThat(FakeVault.credentials.get(credential)).containsEntry("value", KEY);

		TestHttp member = newMember(WorkspaceRole.MEMBER);
		JsonNode inventory = ok(member.get(ws("/api/v1/integrations/composio/inventory"))).json();
		assertThat(inventory.get("enabled").asBoolean()).isTrue();
		assertThat(inventory.get("auth_configs")).hasSize(2);
		assertThat(inventory.get("users")).extracting(user -> user.get("user_id").asString())
			.containsExactly("user-a", "user-b");
		assertThat(inventory.get("users").get(0).get("connected_accounts")).hasSize(2);

		stub(get(urlPathEqualTo("/composio/api/v3/toolkits")).withQueryParam("search", equalTo("git")), """
				{"items":[{"slug":"github","name":"GitHub","meta":{"tools_count":846}}],"total_items":1047}""");
		JsonNode toolkits = ok(member.get(ws("/api/v1/integrations/composio/toolkits?search=git"))).json();
		assertThat(toolkits.get("total").asInt()).isEqualTo(1047);
		assertThat(toolkits.get("toolkits").get(0).get("slug").asString()).isEqualTo("github");
		assertProblem(member.get(ws("/api/v1/integrations/composio/tools")), 400, "toolkit is required");
		assertProblem(member.get(ws("/api/v1/integrations/composio/toolkits?limit=101")), 400, "limit");

		ok(this.owner.delete(ws("/api/v1/integrations/composio/settings")));
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/composio/settings"))).json().get("source").asString())
			.isEqualTo("none");
		assertThat(FakeVault.credentials).doesNotContainKey(credential);
	}

	@Test
	void triggersConnectLinksAndAccountsGoToComposio() {
		configure();
		stub(post("/composio/api/v3/trigger_instances/GMAIL_NEW_GMAIL_MESSAGE/upsert"), "{\"trigger_id\":\"ti_new\"}");
		JsonNode trigger = ok(this.owner.postJson(ws("/api/v1/integrations/composio/triggers"),
				"{\"slug\":\"GMAIL_NEW_GMAIL_MESSAGE\",\"user_id\":\"user-a\",\"config\":{\"interval\":60}}"))
			.json();
		assertThat(trigger.get("trigger").get("id").asString()).isEqualTo("ti_new");
		this.composio.verify(
				postRequestedFor(urlPathEqualTo("/composio/api/v3/trigger_instances/GMAIL_NEW_GMAIL_MESSAGE/upsert"))
					.withRequestBody(equalToJson("{\"user_id\":\"user-a\",\"trigger_config\":{\"interval\":60}}")));
		assertProblem(this.owner.postJson(ws("/api/v1/integrations/composio/triggers"), "{\"slug\":\"X\"}"), 400,
				"required");

		stub(post("/composio/api/v3/auth_configs"),
				"{\"auth_config\":{\"id\":\"ac_slack\"},\"toolkit\":{\"slug\":\"slack\"}}");
		stub(post("/composio/api/v3/connected_accounts/link"),
				"{\"redirect_url\":\"https://connect.composio.dev/link/abc\",\"connected_account_id\":\"ca_new\"}");
		JsonNode link = ok(this.owner.postJson(ws("/api/v1/integrations/composio/connect"),
				"{\"toolkit\":\"slack\",\"user_id\":\"user-a\"}"))
			.json();
		assertThat(link.get("redirect_url").asString()).isEqualTo("https://connect.composio.dev/link/abc");
		assertThat(link.get("connected_account_id").asString()).isEqualTo("ca_new");
		this.composio.verify(postRequestedFor(urlPathEqualTo("/composio/api/v3/connected_accounts/link"))
			.withRequestBody(matchingJsonPath("$.auth_config_id", equalTo("ac_slack"))));

		stub(com.github.tomakehurst.wiremock.client.WireMock
			.patch(urlPathEqualTo("/composio/api/v3/connected_accounts/ca_1/status")), "{}");
		stub(post("/composio/api/v3/connected_accounts/ca_1/refresh"), "{}");
		stub(delete("/composio/api/v3/connected_accounts/ca_1"), "{}");
		assertThat(this.owner.postJson(ws("/api/v1/integrations/composio/accounts/ca_1/revoke"), null).status())
			.isEqualTo(204);
		assertThat(this.owner.postJson(ws("/api/v1/integrations/composio/accounts/ca_1/refresh"), null).status())
			.isEqualTo(204);
		assertThat(this.owner.delete(ws("/api/v1/integrations/composio/accounts/ca_1")).status()).isEqualTo(204);
		this.composio.verify(patchRequestedFor(urlPathEqualTo("/composio/api/v3/connected_accounts/ca_1/status")));
		this.composio.verify(deleteRequestedFor(urlPathEqualTo("/composio/api/v3/connected_accounts/ca_1")));
		Response failing = this.owner.delete(ws("/api/v1/integrations/composio/accounts/ca_missing"));
		assertProblem(failing, 502, "Composio answered HTTP 404");
		assertProblem(newMember(WorkspaceRole.MEMBER).delete(ws("/api/v1/integrations/composio/accounts/ca_1")), 403,
				"");
	}

	@Test
	void theDefaultConnectorAndPerAppAgentBindingsProvisionServers() {
		configure();
		stub(post("/composio/api/v3/mcp/servers"),
				"{\"id\":\"mcp_1\",\"mcp_url\":\"https://mcp.composio.dev/server/mcp_1\"}");
		assertProblem(put(this.owner, ws("/api/v1/integrations/composio/default"), "{}"), 400, "pin one");
		JsonNode pinned = ok(put(this.owner, ws("/api/v1/integrations/composio/default"), "{\"user_id\":\"user-a\"}"))
			.json();
		assertThat(pinned.get("default_user_id").asString()).isEqualTo("user-a");
		assertThat(pinned.get("connected_user_count").asInt()).isEqualTo(2);
		String defaultServer = pinned.get("default_mcp_server_id").asString();
		JsonNode server = ok(this.owner.get(ws("/api/v1/integrations/" + defaultServer))).json();
		assertThat(server.get("endpoint").asString()).isEqualTo("https://mcp.composio.dev/server/mcp_1?user_id=user-a");
		assertThat(server.get("source").asString()).isEqualTo("composio");

		stub(get(urlPathEqualTo("/composio/api/v3/tools")).withQueryParam("toolkit_slug", equalTo("gmail")), """
				{"items":[{"slug":"GMAIL_FETCH_EMAILS"},{"slug":"GMAIL_SEND_EMAIL"},{"slug":"GMAIL_LIST_THREADS"}]}""");
		String crew = crew(slug("mail"));
		String agent = agent(crew, slug("mailer"));
		JsonNode bound = ok(this.owner.postJson(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"), """
				{"user_id":"user-a","apps":[{"toolkit":"gmail","mode":"read"},{"toolkit":"github","mode":"full"}]}"""))
			.json();
		assertThat(bound.get("apps")).extracting(app -> app.get("toolkit").asString())
			.containsExactly("gmail", "github");
		this.composio.verify(postRequestedFor(urlPathEqualTo("/composio/api/v3/mcp/servers"))
			.withRequestBody(matchingJsonPath("$.allowed_tools[0]", equalTo("GMAIL_FETCH_EMAILS")))
			.withRequestBody(matchingJsonPath("$.allowed_tools[1]", equalTo("GMAIL_LIST_THREADS"))));
		Map<String, JsonNode> resolved = new LinkedHashMap<>();
		ok(this.owner.get(ws("/api/v1/agents/" + agent + "/integrations/resolved"))).json()
			.get("integrations")
			.forEach(entry -> resolved.put(entry.get("name").asString(), entry));
		assertThat(resolved.keySet()).anyMatch(name -> name.endsWith("-gmail"))
			.anyMatch(name -> name.endsWith("-github"));
		JsonNode gmail = resolved.values()
			.stream()
			.filter(entry -> entry.get("name").asString().endsWith("-gmail"))
			.findFirst()
			.orElseThrow();
		assertThat(gmail.get("cred_type").asString()).isEqualTo("api_key");
		assertThat(gmail.get("cred_header").asString()).isEqualTo("x-api-key");
		assertThat(gmail.get("config_json").asString()).contains("GMAIL_FETCH_EMAILS").doesNotContain("SEND");

		ok(this.owner.postJson(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"),
				"{\"user_id\":\"user-a\",\"toolkits\":[\"github\"]}"));
		JsonNode listed = ok(this.owner.get(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"))).json();
		assertThat(listed.get("bindings")).extracting(binding -> binding.get("toolkit").asString())
			.containsExactly("github");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"), """
				{"user_id":"user-a","apps":[{"toolkit":"gmail","mode":"custom","tools":["BOGUS"]}]}"""), 400,
				"No tools resolve");
		assertProblem(this.owner.postJson(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"),
				"{\"user_id\":\"user-b\",\"toolkits\":[\"gmail\"]}"), 400, "no connected account");
		ok(this.owner.delete(ws("/api/v1/integrations/composio/agents/" + agent + "/bind?toolkit=github")));
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/composio/agents/" + agent + "/bind"))).json()
			.get("bindings")).isEmpty();
		assertThat(ok(this.owner.get(ws("/api/v1/agents/" + agent + "/integrations"))).json()).isEmpty();
		assertProblem(this.owner.get(ws("/api/v1/integrations/composio/agents/nope/bind")), 404, "Agent not found");
	}

}
