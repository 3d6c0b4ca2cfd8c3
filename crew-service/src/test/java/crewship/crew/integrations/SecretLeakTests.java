package crewship.crew.integrations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import crewship.platform.testing.TestHttp.Response;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets given to crew-service — a connector's token, an OAuth app's client secret, a
 * dynamically registered client's secret, the value a connection test authenticates with
 * — end up in the vault and nowhere else: in no answer, no log line, and no column of any
 * crew-service table (the outbox and audit records included).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakTests extends IntegrationTestSupport {

	static final List<String> SECRETS = List.of("ghp_LEAKCANARY_token_0001", "slack_LEAKCANARY_secret_0002",
			"dcr_LEAKCANARY_secret_0003", "mcp_LEAKCANARY_value_0004", "pg_LEAKCANARY_password_0005");

	@Test
	void noSecretReachesAnAnswerALogLineOrATable(CapturedOutput output) {
		WireMockServer wireMock = ThirdPartyStandIns.wireMock();
		wireMock.resetAll();
		List<Response> answers = new ArrayList<>();

		// a connector with a personal access token, verified then installed
		wireMock.stubFor(get("/github/user").willReturn(
				aResponse().withStatus(401).withBody("{\"message\":\"Bad credentials for " + SECRETS.get(0) + "\"}")));
		answers.add(ok(this.owner.postJson(ws("/api/v1/connectors/github/verify"),
				"{\"fields\":{\"token\":\"" + SECRETS.get(0) + "\"}}")));
		answers.add(created(this.owner.postJson(ws("/api/v1/connectors/github/install"),
				"{\"fields\":{\"token\":\"" + SECRETS.get(0) + "\"}}")));
		// a bring-your-own OAuth app
		answers.add(created(this.owner.postJson(ws("/api/v1/connectors/slack/install"),
				"{\"fields\":{\"client_id\":\"c\",\"client_secret\":\"" + SECRETS.get(1) + "\",\"team_id\":\"T\"}}")));
		// a database connection string, probed and installed
		String connection = "postgresql://postgres:" + SECRETS.get(4) + "@127.0.0.1:5432/no_such_db";
		answers.add(ok(this.owner.postJson(ws("/api/v1/connectors/postgresql/verify"),
				"{\"fields\":{\"connection_string\":\"" + connection + "\"}}")));
		answers.add(created(this.owner.postJson(ws("/api/v1/connectors/postgresql/install"),
				"{\"fields\":{\"connection_string\":\"" + connection + "\"}}")));
		// a dynamically registered client
		String base = wireMock.baseUrl();
		wireMock.stubFor(get("/.well-known/oauth-authorization-server").willReturn(aResponse()
			.withHeader("Content-Type", "application/json")
			.withBody("{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\",\"token_endpoint\":\"%s/token\","
				.formatted(base, base, base) + "\"registration_endpoint\":\"" + base + "/register\"}")));
		wireMock.stubFor(post("/register").willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"client_id\":\"dcr\",\"client_secret\":\"" + SECRETS.get(2) + "\"}")));
		answers.add(ok(this.owner.postJson(ws("/api/v1/oauth/auto-connect"),
				"{\"mcp_url\":\"" + base + "/mcp\",\"server_name\":\"leaky\"}")));
		// a connection test that authenticates with a stored value
		try (TestMcpServer guarded = TestMcpServer.start(SECRETS.get(3), Map.of("t", "tool"))) {
			String id = workspaceServer("{\"name\":\"guarded\",\"endpoint\":\"" + guarded.url() + "\"}");
			String credential = FakeVault.put(this.workspaceId, "guarded-token", "API_KEY", SECRETS.get(3));
			this.jdbc.update("update mcp_server set credential_id = ? where id = ?", credential, id);
			Response tested = ok(this.owner.postJson(ws("/api/v1/integrations/" + id + "/test"), null));
			assertThat(tested.json().get("status").asString()).isEqualTo("ok");
			answers.add(tested);
		}
		answers.add(ok(this.owner.get(ws("/api/v1/integrations"))));

		// the vault got every one of them
		for (String secret : SECRETS.subList(0, 4)) {
			assertThat(FakeVault.credentials.values().toString()).as(secret).contains(secret);
		}
		for (Response answer : answers) {
			for (String secret : SECRETS) {
				assertThat(answer.body()).as("answer").doesNotContain(secret);
			}
		}
		for (String secret : SECRETS) {
			assertThat(output.getAll()).as("log output").doesNotContain(secret);
		}
		List<Map<String, Object>> columns = this.jdbc.queryForList("""
				select table_name, column_name from information_schema.columns
				 where table_schema = current_schema() and data_type in ('text', 'character varying', 'jsonb', 'json')
				""");
		assertThat(columns).hasSizeGreaterThan(50);
		for (Map<String, Object> column : columns) {
			for (String secret : SECRETS) {
				Long found = this.jdbc.queryForObject("select count(*) from \"" + column.get("table_name")
						+ "\" where \"" + column.get("column_name") + "\"::text like ?", Long.class,
						"%" + secret + "%");
				assertThat(found).as(column.get("table_name") + "." + column.get("column_name") + " holds " + secret)
					.isZero();
			}
		}
	}

}
