package crewship.crew.oauth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.crew.integrations.FakeVault;
import crewship.crew.integrations.IntegrationTestSupport;
import crewship.crew.integrations.ThirdPartyStandIns;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OAuth endpoints: state bound to user, workspace and credential, spent once, dead
 * after 10 minutes; the anonymous callback; discovery against a WireMock authorization
 * server (RFC 9728 → RFC 8414, OpenID fallback); auto-connect with dynamic client
 * registration. The code exchange itself (PKCE, tokens, refresh) is the vault's, tested
 * there.
 */
class OAuthTests extends IntegrationTestSupport {

	WireMockServer as = ThirdPartyStandIns.wireMock();

	@BeforeEach
	void reset() {
		this.as.resetAll();
		FakeVault.exchanges.clear();
	}

	String oauthClient() {
		String id = FakeVault.put(this.workspaceId, "gh-oauth", "OAUTH2", null);
		FakeVault.credentials.get(id).put("oauth_client_id", "client-123");
		FakeVault.credentials.get(id).put("oauth_auth_url", "https://auth.example.com/authorize");
		return id;
	}

	@Test
	void theProviderCatalogNeedsOnlyASignedInUser() {
		JsonNode providers = ok(this.owner.get("/api/v1/oauth/providers")).json();
		assertThat(providers.get("github").get("token_url").asString())
			.isEqualTo("https://github.com/login/oauth/access_token");
		assertThat(anonymous().get("/api/v1/oauth/providers").status()).isEqualTo(401);
	}

	@Test
	void theCallbackSpendsTheStateOnceAndConnectsTheIntegration() {
		String credential = oauthClient();
		String server = workspaceServer("{\"name\":\"gh\",\"endpoint\":\"https://mcp.example.com/mcp\"}");
		this.jdbc.update("update mcp_server set credential_id = ?, auth_status = 'pending' where id = ?", credential,
				server);
		JsonNode started = ok(
				this.owner.postJson(ws("/api/v1/oauth/initiate"), "{\"credential_id\":\"" + credential + "\"}"))
			.json();
		String state = started.get("state").asString();
		assertThat(state).hasSizeGreaterThanOrEqualTo(43);
		Map<String, String> query = query(started.get("auth_url").asString());
		assertThat(query).containsEntry("state", state)
			.containsEntry("client_id", "client-123")
			.containsEntry("redirect_uri", "https://crewship.test/api/v1/oauth/callback");
		assertThat(this.jdbc.queryForObject("select count(*) from oauth_state where state_sha256 = ? and user_id = ?",
				Long.class, OAuthFlows.sha256(state), this.ownerId))
			.isEqualTo(1);
		assertThat(
				this.jdbc.queryForObject("select count(*) from oauth_state where state_sha256 = ?", Long.class, state))
			.as("the state itself is not stored")
			.isZero();

		Response callback = anonymous().get("/api/v1/oauth/callback?code=the-code&state=" + state);
		assertThat(callback.status()).as(callback.body()).isEqualTo(200);
		assertThat(callback.header("Content-Type")).startsWith("text/html");
		assertThat(callback.body()).contains("Connected");
		assertThat(FakeVault.exchanges).hasSize(1);
		assertThat(FakeVault.exchanges.get(0).get("code").asString()).isEqualTo("the-code");
		assertThat(FakeVault.exchanges.get(0).get("state_id").asString()).isNotBlank();
		assertThat(FakeVault.exchanges.get(0).get("redirect_uri").asString())
			.isEqualTo("https://crewship.test/api/v1/oauth/callback");
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/" + server))).json().get("auth_status").asString())
			.isEqualTo("connected");

		assertProblem(anonymous().get("/api/v1/oauth/callback?code=the-code&state=" + state), 400, "already used");
		assertThat(FakeVault.exchanges).as("a replayed state reaches no provider").hasSize(1);
		assertProblem(anonymous().get("/api/v1/oauth/callback?code=x&state=forged"), 400, "Invalid");
	}

	@Test
	void anExpiredStateIsRefused() {
		String credential = oauthClient();
		String state = ok(this.owner.postJson(ws("/api/v1/oauth/initiate"),
				"{\"credential_id\":\"" + credential + "\",\"redirect_uri\":\"https://app.example/cb\"}"))
			.json()
			.get("state")
			.asString();
		this.jdbc.update("update oauth_state set expires_at = now() - interval '1 second' where state_sha256 = ?",
				OAuthFlows.sha256(state));
		assertProblem(anonymous().get("/api/v1/oauth/callback?code=c&state=" + state), 400, "expired");
		assertThat(FakeVault.exchanges).isEmpty();
	}

	@Test
	void anExchangeWithAStateWorksOnlyForTheUserWhoStartedIt() {
		String credential = oauthClient();
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		String state = ok(
				this.owner.postJson(ws("/api/v1/oauth/loopback"), "{\"credential_id\":\"" + credential + "\"}"))
			.json()
			.get("state")
			.asString();
		String body = "{\"credential_id\":\"" + credential + "\",\"code\":\"c1\",\"state\":\"" + state + "\"}";
		assertProblem(manager.postJson(ws("/api/v1/oauth/exchange"), body), 400, "Invalid");
		JsonNode exchanged = ok(this.owner.postJson(ws("/api/v1/oauth/exchange"), body)).json();
		assertThat(exchanged.get("status").asString()).isEqualTo("ok");
		assertThat(exchanged.get("credential_id").asString()).isEqualTo(credential);
		assertThat(FakeVault.exchanges.get(0).get("redirect_uri").asString()).startsWith("http://127.0.0.1:");
		assertProblem(this.owner.postJson(ws("/api/v1/oauth/exchange"), body), 400, "already used");
	}

	@Test
	void startingAFlowNeedsManagerOrTheCredentialCreateCapability() {
		String credential = oauthClient();
		String body = "{\"credential_id\":\"" + credential + "\"}";
		assertProblem(newMember(WorkspaceRole.MEMBER).postJson(ws("/api/v1/oauth/initiate"), body), 403,
				"credential.create");
		ok(newMember(WorkspaceRole.MEMBER, MemberCapability.CREDENTIAL_CREATE).postJson(ws("/api/v1/oauth/initiate"),
				body));
		JsonNode loopback = ok(newMember(WorkspaceRole.MANAGER).postJson(ws("/api/v1/oauth/loopback"), body)).json();
		assertThat(loopback.get("loopback_port").asInt()).isBetween(49152, 65535);
		assertProblem(this.owner.postJson(ws("/api/v1/oauth/initiate"), "{\"credential_id\":\"cred_nope\"}"), 404,
				"Credential not found");
		String plain = FakeVault.put(this.workspaceId, "plain", "API_KEY", "v");
		assertProblem(this.owner.postJson(ws("/api/v1/oauth/initiate"), "{\"credential_id\":\"" + plain + "\"}"), 400,
				"not an OAuth client");
	}

	@Test
	void discoveryFollowsTheProtectedResourceToItsAuthorizationServer() {
		String base = this.as.baseUrl();
		this.as.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson("""
				{"resource":"%s/mcp","authorization_servers":["%s/auth"],"scopes_supported":["read","write"]}"""
			.formatted(base, base))));
		this.as.stubFor(get("/.well-known/oauth-authorization-server/auth").willReturn(okJson("""
				{"issuer":"%s/auth","authorization_endpoint":"%s/auth/authorize","token_endpoint":"%s/auth/token",
				 "registration_endpoint":"%s/auth/register","code_challenge_methods_supported":["S256"]}"""
			.formatted(base, base, base, base))));
		JsonNode found = ok(this.owner.postJson("/api/v1/oauth/discover", "{\"mcp_url\":\"" + base + "/mcp\"}")).json();
		assertThat(found.get("auth_url").asString()).isEqualTo(base + "/auth/authorize");
		assertThat(found.get("token_url").asString()).isEqualTo(base + "/auth/token");
		assertThat(found.get("registration_endpoint").asString()).isEqualTo(base + "/auth/register");
		assertThat(found.get("scopes").asString()).isEqualTo("read write");
		assertThat(found.get("supports_pkce").asBoolean()).isTrue();
		assertThat(found.get("supports_dcr").asBoolean()).isTrue();
		assertThat(found.get("source").asString()).isEqualTo("oauth-protected-resource+rfc8414");

		this.as.resetAll();
		this.as.stubFor(get("/.well-known/openid-configuration").willReturn(okJson("""
				{"issuer":"%s","authorization_endpoint":"%s/o/authorize","token_endpoint":"%s/o/token"}"""
			.formatted(base, base, base))));
		JsonNode openid = ok(this.owner.postJson("/api/v1/oauth/discover", "{\"mcp_url\":\"" + base + "/mcp\"}"))
			.json();
		assertThat(openid.get("source").asString()).isEqualTo("openid");
		assertThat(openid.get("supports_dcr").asBoolean()).isFalse();
		assertThat(openid.has("registration_endpoint")).isFalse();

		this.as.resetAll();
		assertProblem(this.owner.postJson("/api/v1/oauth/discover", "{\"mcp_url\":\"" + base + "/mcp\"}"), 404,
				"known provider");
		assertProblem(this.owner.postJson("/api/v1/oauth/discover", "{\"mcp_url\":\"ftp://x\"}"), 400, "mcp_url");
		assertThat(OAuthProviders.ofHost(URI.create("https://api.githubcopilot.com/mcp/"))).hasValue("github");
		assertThat(OAuthProviders.ofHost(URI.create("https://mcp.linear.app/mcp"))).hasValue("linear");
	}

	@Test
	void autoConnectRegistersAClientCreatesTheIntegrationAndStartsTheAuthorization() {
		String base = this.as.baseUrl();
		this.as.stubFor(get("/.well-known/oauth-protected-resource/mcp").willReturn(okJson("""
				{"resource":"%s/mcp","authorization_servers":["%s"]}""".formatted(base, base))));
		this.as.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson("""
				{"issuer":"%s","authorization_endpoint":"%s/authorize","token_endpoint":"%s/token",
				 "registration_endpoint":"%s/register","scopes_supported":["issues"],
				 "code_challenge_methods_supported":["S256"]}""".formatted(base, base, base, base))));
		this.as.stubFor(post("/register").willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dcr-client\",\"client_secret\":\"dcr-secret\"}")));
		JsonNode connected = ok(this.owner.postJson(ws("/api/v1/oauth/auto-connect"),
				"{\"mcp_url\":\"" + base + "/mcp\",\"server_name\":\"tracker\"}"))
			.json();
		assertThat(connected.get("status").asString()).isEqualTo("authorize");
		assertThat(connected.get("auth_url").asString()).startsWith(base + "/authorize");
		this.as.verify(postRequestedFor(urlEqualTo("/register"))
			.withRequestBody(matchingJsonPath("$.redirect_uris[0]",
					com.github.tomakehurst.wiremock.client.WireMock
						.equalTo("https://crewship.test/api/v1/oauth/callback")))
			.withRequestBody(matchingJsonPath("$.token_endpoint_auth_method",
					com.github.tomakehurst.wiremock.client.WireMock.equalTo("none"))));
		Map<String, Object> client = FakeVault.credentials.get(connected.get("credential_id").asString());
		assertThat(client).containsEntry("oauth_client_id", "dcr-client")
			.containsEntry("oauth_client_secret", "dcr-secret")
			.containsEntry("oauth_token_url", base + "/token");
		JsonNode integration = ok(
				this.owner.get(ws("/api/v1/integrations/" + connected.get("integration_id").asString())))
			.json();
		assertThat(integration.get("name").asString()).isEqualTo("tracker");
		assertThat(integration.get("auth_status").asString()).isEqualTo("pending");
		assertThat(integration.toString() + connected).doesNotContain("dcr-secret");

		ok(anonymous().get("/api/v1/oauth/callback?code=c&state=" + connected.get("state").asString()));
		assertThat(ok(this.owner.get(ws("/api/v1/integrations/" + connected.get("integration_id").asString()))).json()
			.get("auth_status")
			.asString()).isEqualTo("connected");
		assertProblem(newMember(WorkspaceRole.MANAGER).postJson(ws("/api/v1/oauth/auto-connect"),
				"{\"mcp_url\":\"" + base + "/mcp\"}"), 403, "");

		this.as.resetAll();
		this.as.stubFor(get("/.well-known/oauth-authorization-server").willReturn(okJson("""
				{"issuer":"%s","authorization_endpoint":"%s/authorize","token_endpoint":"%s/token"}""".formatted(base,
				base, base))));
		JsonNode manual = ok(
				this.owner.postJson(ws("/api/v1/oauth/auto-connect"), "{\"mcp_url\":\"" + base + "/mcp\"}"))
			.json();
		assertThat(manual.get("status").asString()).isEqualTo("needs_client_id");
		assertThat(manual.get("token_url").asString()).isEqualTo(base + "/token");
	}

	static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String json) {
		return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json);
	}

	static Map<String, String> query(String url) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : URI.create(url).getRawQuery().split("&")) {
			String[] kv = pair.split("=", 2);
			values.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
		}
		return values;
	}

}
