package crewship.vault.oauth;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestKafka;
import crewship.vault.VaultTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vault's half of OAuth against a WireMock authorization server: credentials
 * provisioned by crew-service, an authorization whose PKCE verifier never leaves the
 * vault (the token request's verifier must hash to the challenge the browser carried),
 * single use and expiry of an authorization, and tokens refreshed before they expire — or
 * the credential expired, with {@code credential.expired}, when the provider refuses.
 */
class OAuthVaultTests extends VaultTestSupport {

	static final JsonMapper JSON = JsonMapper.builder().build();

	WireMockServer as = new WireMockServer(options().dynamicPort());

	@Autowired
	OAuthRefresher refresher;

	@BeforeEach
	void start() {
		this.as.start();
	}

	@AfterEach
	void stop() {
		this.as.stop();
	}

	String client() {
		Response created = internal().postJson("/api/v1/internal/credentials", """
				{"workspace_id":"%s","actor":"%s","name":"Linear OAuth","type":"OAUTH2","provider":"LINEAR",
				 "oauth_client_id":"client-1","oauth_client_secret":"client-secret-1",
				 "oauth_auth_url":"%s/authorize","oauth_token_url":"%s/token","oauth_scopes":"read,write",
				 "provisioned_for_service":"crew-service","rename_on_conflict":true}""".formatted(this.workspaceId,
				this.owner, this.as.baseUrl(), this.as.baseUrl()));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.body()).doesNotContain("client-secret-1");
		assertThat(created.json().get("status").asString()).isEqualTo("PENDING");
		assertThat(created.json().get("oauth").get("has_client_secret").asBoolean()).isTrue();
		return created.json().get("id").asString();
	}

	Map<String, String> authorize(String credential, String stateId, Instant expiresAt) {
		Response opened = internal().postJson("/api/v1/internal/credentials/" + credential + "/oauth/authorize", """
				{"workspace_id":"%s","state_id":"%s","state":"the-state","redirect_uri":"https://crewship.test/cb",
				 "expires_at":"%s"}""".formatted(this.workspaceId, stateId, expiresAt));
		assertThat(opened.status()).as(opened.body()).isEqualTo(200);
		return query(opened.json().get("auth_url").asString());
	}

	Response exchange(String credential, String stateId, String code) {
		return internal().postJson("/api/v1/internal/credentials/" + credential + "/oauth/exchange", """
				{"workspace_id":"%s","actor":"%s","code":"%s","state_id":"%s"}""".formatted(this.workspaceId,
				this.owner, code, stateId));
	}

	void tokenEndpointIssues(String access, String refresh, long expiresIn) {
		this.as.stubFor(post("/token").willReturn(aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"%s\",\"refresh_token\":\"%s\",\"expires_in\":%d,\"token_type\":\"bearer\"}"
				.formatted(access, refresh, expiresIn))));
	}

	String value(String credential) {
		Response value = internal()
			.get("/api/v1/internal/credentials/" + credential + "/value?workspace_id=" + this.workspaceId);
		assertThat(value.status()).as(value.body()).isEqualTo(200);
		return value.json().get("value").asString();
	}

	@Test
	void theCodeIsTradedWithTheSealedVerifierWhoseHashTheBrowserCarried() throws Exception {
		String credential = client();
		String stateId = Cuid.next();
		Map<String, String> url = authorize(credential, stateId, Instant.now().plusSeconds(600));
		assertThat(url).containsEntry("client_id", "client-1")
			.containsEntry("redirect_uri", "https://crewship.test/cb")
			.containsEntry("state", "the-state")
			.containsEntry("scope", "read write")
			.containsEntry("code_challenge_method", "S256")
			.containsKey("code_challenge");
		assertThat(this.jdbc.queryForObject(
				"select count(*) from sealed_secrets where owner_type = 'oauth.pkce' and owner_id = ?", Long.class,
				stateId))
			.isEqualTo(1);

		tokenEndpointIssues("access-1", "refresh-1", 3600);
		Response exchanged = exchange(credential, stateId, "code-1");
		assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
		assertThat(exchanged.body()).doesNotContain("access-1").doesNotContain("refresh-1");
		assertThat(exchanged.header("Cache-Control")).contains("no-store");

		List<LoggedRequest> token = this.as.findAll(postRequestedFor(urlEqualTo("/token")));
		assertThat(token).hasSize(1);
		Map<String, String> form = form(token.get(0).getBodyAsString());
		assertThat(form).containsEntry("grant_type", "authorization_code")
			.containsEntry("code", "code-1")
			.containsEntry("redirect_uri", "https://crewship.test/cb")
			.containsEntry("client_id", "client-1")
			.containsEntry("client_secret", "client-secret-1");
		assertThat(OAuthAuthorizations.challenge(form.get("code_verifier"))).as("PKCE S256")
			.isEqualTo(url.get("code_challenge"));
		assertThat(value(credential)).isEqualTo("access-1");
		JsonNode described = internal()
			.get("/api/v1/internal/credentials/" + credential + "?workspace_id=" + this.workspaceId)
			.json();
		assertThat(described.get("status").asString()).isEqualTo("ACTIVE");
		assertThat(described.get("oauth").get("has_refresh_token").asBoolean()).isTrue();
		assertThat(Instant.parse(described.get("token_expires_at").asString()))
			.isAfter(Instant.now().plusSeconds(3500));

		Response replayed = exchange(credential, stateId, "code-1");
		assertThat(replayed.status()).isEqualTo(400);
		assertThat(replayed.json().get("detail").asString()).contains("already used");
		assertThat(this.as.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);
		assertThat(this.jdbc.queryForObject("select count(*) from sealed_secrets where owner_type = 'oauth.pkce'",
				Long.class))
			.isZero();
	}

	@Test
	void anExpiredAuthorizationAndARefusedCodeAreRefused() {
		String credential = client();
		String expired = Cuid.next();
		authorize(credential, expired, Instant.now().minusSeconds(1));
		Response late = exchange(credential, expired, "code");
		assertThat(late.status()).isEqualTo(400);
		assertThat(late.json().get("detail").asString()).contains("expired");

		String refused = Cuid.next();
		authorize(credential, refused, Instant.now().plusSeconds(600));
		this.as.stubFor(post("/token").willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Code expired\"}")));
		Response bad = exchange(credential, refused, "stale");
		assertThat(bad.status()).isEqualTo(502);
		assertThat(bad.json().get("detail").asString()).contains("invalid_grant");
		assertThat(exchange(credential, refused, "stale").status()).as("spent by the failed try too").isEqualTo(400);

		Response foreign = internal().postJson("/api/v1/internal/credentials/" + credential + "/oauth/authorize", """
				{"workspace_id":"%s","state_id":"%s","state":"s","redirect_uri":"https://x/cb"}"""
			.formatted(Cuid.next(), Cuid.next()));
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(as(this.owner)
			.postJson("/api/v1/internal/credentials",
					"{\"workspace_id\":\"" + this.workspaceId + "\",\"actor\":\"" + this.owner
							+ "\",\"name\":\"sneaky\",\"value\":\"v\"}")
			.status()).as("users never reach the internal contract").isEqualTo(404);
	}

	@Test
	void tokensAreRefreshedBeforeTheyExpireAndARefusalExpiresTheCredential() {
		String credential = client();
		String stateId = Cuid.next();
		authorize(credential, stateId, Instant.now().plusSeconds(600));
		tokenEndpointIssues("access-1", "refresh-1", 3600);
		assertThat(exchange(credential, stateId, "code").status()).isEqualTo(200);

		// not due yet: nothing happens
		this.as.resetRequests();
		assertThat(this.refresher.refreshDue()).isZero();
		assertThat(this.as.findAll(postRequestedFor(urlEqualTo("/token")))).isEmpty();

		// two minutes from expiry: refreshed with the stored refresh token, rotated
		expireIn(credential, Duration.ofMinutes(2));
		tokenEndpointIssues("access-2", "refresh-2", 7200);
		assertThat(this.refresher.refreshDue()).isEqualTo(1);
		Map<String, String> refresh = form(
				this.as.findAll(postRequestedFor(urlEqualTo("/token"))).get(0).getBodyAsString());
		assertThat(refresh).containsEntry("grant_type", "refresh_token")
			.containsEntry("refresh_token", "refresh-1")
			.containsEntry("client_id", "client-1");
		assertThat(value(credential)).isEqualTo("access-2");

		// the provider is down: no change, a later retry
		expireIn(credential, Duration.ofMinutes(1));
		this.as.resetAll();
		this.as.stubFor(post("/token").willReturn(aResponse().withStatus(503)));
		assertThat(this.refresher.refreshDue()).isZero();
		assertThat(this.jdbc.queryForObject("select oauth_refresh_failures from credentials where id = ?",
				Integer.class, credential))
			.isEqualTo(1);
		assertThat(this.refresher.refreshDue()).as("backing off").isZero();
		assertThat(this.as.findAll(postRequestedFor(urlEqualTo("/token")))).hasSize(1);

		// the provider refuses the (rotated) refresh token: expired, and the workspace is
		// told
		this.jdbc.update("update credentials set oauth_next_refresh_at = null where id = ?", credential);
		this.as.resetAll();
		this.as.stubFor(post("/token").withRequestBody(containing("refresh_token=refresh-2"))
			.willReturn(aResponse().withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":\"invalid_grant\"}")));
		assertThat(this.refresher.refreshDue()).isZero();
		JsonNode described = internal()
			.get("/api/v1/internal/credentials/" + credential + "?workspace_id=" + this.workspaceId)
			.json();
		assertThat(described.get("status").asString()).isEqualTo("EXPIRED");
		List<ConsumerRecord<String, String>> events = TestKafka.readUntil(Topics.domain("vault"),
				records -> records.stream()
					.anyMatch(r -> credential.equals(r.key()) && r.value().contains("credential.expired")),
				Duration.ofSeconds(30));
		JsonNode expired = events.stream()
			.filter(r -> credential.equals(r.key()) && r.value().contains("credential.expired"))
			.map(r -> JSON.readTree(r.value()))
			.findFirst()
			.orElseThrow();
		assertThat(expired.get("data").get("credential_id").asString()).isEqualTo(credential);
		assertThat(expired.get("data").get("reason").asString()).contains("invalid_grant");
		assertThat(this.refresher.refreshDue()).as("an expired credential is not retried").isZero();
	}

	@Test
	void provisionedCredentialsAreDescribedWithoutValuesAndDeleted() {
		String body = """
				{"workspace_id":"%s","actor":"%s","name":"GitHub token","type":"API_KEY","provider":"GITHUB",
				 "value":"ghp_provisioned","rename_on_conflict":true}""".formatted(this.workspaceId, this.owner);
		Response first = internal().postJson("/api/v1/internal/credentials", body);
		Response second = internal().postJson("/api/v1/internal/credentials", body);
		assertThat(first.status()).isEqualTo(201);
		assertThat(second.json().get("name").asString()).isEqualTo("GitHub token (2)");
		assertThat(first.body() + second.body()).doesNotContain("ghp_provisioned");
		String id = first.json().get("id").asString();
		assertThat(value(id)).isEqualTo("ghp_provisioned");
		assertThat(
				internal().delete("/api/v1/internal/credentials/" + id + "?workspace_id=" + this.workspaceId).status())
			.isEqualTo(204);
		assertThat(internal().get("/api/v1/internal/credentials/" + id + "?workspace_id=" + this.workspaceId).status())
			.isEqualTo(404);
	}

	private void expireIn(String credential, Duration left) {
		this.jdbc.update("update credentials set token_expires_at = ? where id = ?",
				Timestamp.from(Instant.now().plus(left)), credential);
	}

	static Map<String, String> query(String url) {
		return form(URI.create(url).getRawQuery());
	}

	static Map<String, String> form(String encoded) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : encoded.split("&")) {
			String[] kv = pair.split("=", 2);
			values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
					(kv.length == 2) ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
		}
		return values;
	}

}
