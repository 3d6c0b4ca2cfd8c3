package crewship.issue;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Code links against GitHub and GitLab stood in by WireMock: the state is fetched with
 * the workspace's credential (resolved through the vault's internal endpoint),
 * normalised, refreshed only on request, and every failure is the page's coded problem.
 */
class CodeLinkTests extends IssueTestSupport {

	final WireMockServer forge = TestStandIns.forges();

	Crew crew;

	String repo;

	@BeforeEach
	void issueToLink() {
		this.crew = crew("LNK");
		issue(this.crew, "Widget", "");
		this.repo = "thing-" + Cuid.next().substring(15);
	}

	/** A forge credential in the vault, as its events announce it. */
	private String credential(String provider, String value, Map<String, String> fields) {
		String id = Cuid.next();
		TestStandIns.vaultHolds(id, value, fields);
		publish("crewship.vault.v1", id, "credential.created", this.workspaceId, id,
				Map.of("id", id, "name", "forge", "type", "API_KEY", "provider", provider, "status", "ACTIVE"));
		await("credential projected", () -> this.jdbc
			.queryForObject("select count(*) from forge_credential where credential_id = ?", Integer.class, id) == 1);
		return id;
	}

	private String links() {
		return ws("/api/v1/crews/" + this.crew.id() + "/issues/LNK-1/code-links");
	}

	private Response attach(String url) {
		return this.owner.postJson(links(), "{\"url\":\"" + url + "\"}");
	}

	private static void assertCoded(Response response, int status, String code) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo(code);
		assertThat(response.json().get("type").asString()).isEqualTo("https://crewship.ai/problems/code-link/" + code);
	}

	private void pull(int number, String token, int status, String body) {
		this.forge.stubFor(get(urlEqualTo("/repos/acme/" + this.repo + "/pulls/" + number))
			.withHeader("Authorization", equalTo("Bearer " + token))
			.willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
	}

	private static String pullJson(String state, boolean draft, String mergedAt) {
		return "{\"number\":7,\"title\":\"Add the widget\",\"state\":\"" + state + "\",\"draft\":" + draft
				+ ",\"merged_at\":" + ((mergedAt != null) ? "\"" + mergedAt + "\"" : "null")
				+ ",\"user\":{\"login\":\"octocat\"},\"head\":{\"ref\":\"feat/widget\"},\"base\":{\"ref\":\"main\"},"
				+ "\"created_at\":\"2026-08-01T10:00:00Z\",\"updated_at\":\"2026-08-02T10:00:00Z\",\"closed_at\":null}";
	}

	@Test
	void githubLinkIsFetchedWithTheVaultsTokenAndRefreshedOnRequest() {
		String url = "https://github.com/acme/" + this.repo + "/pull/7";
		assertCoded(attach(url), 412, "no-credential");
		String credentialId = credential("GITHUB", "ghp_secret_value", Map.of());
		pull(7, "ghp_secret_value", 200, pullJson("open", true, null));

		Response attached = attach(url + "/files");
		assertThat(attached.status()).as(attached.body()).isEqualTo(201);
		JsonNode link = attached.json();
		assertThat(link.get("provider").asString()).isEqualTo("GITHUB");
		assertThat(link.get("host").asString()).isEqualTo("github.com");
		assertThat(link.get("owner").asString()).isEqualTo("acme");
		assertThat(link.get("repo").asString()).isEqualTo(this.repo);
		assertThat(link.get("number").asInt()).isEqualTo(7);
		assertThat(link.get("kind").asString()).isEqualTo("pull_request");
		assertThat(link.get("url").asString()).isEqualTo(url);
		assertThat(link.get("state").asString()).isEqualTo("DRAFT");
		assertThat(link.get("title").asString()).isEqualTo("Add the widget");
		assertThat(link.get("author").asString()).isEqualTo("octocat");
		assertThat(link.get("source_branch").asString()).isEqualTo("feat/widget");
		assertThat(link.get("target_branch").asString()).isEqualTo("main");
		assertThat(link.get("credential_id").asString()).isEqualTo(credentialId);
		assertThat(link.get("last_sync_error").isNull()).isTrue();
		assertThat(attached.body()).doesNotContain("ghp_secret_value");
		this.forge.verify(getRequestedFor(urlEqualTo("/repos/acme/" + this.repo + "/pulls/7"))
			.withHeader("Authorization", equalTo("Bearer ghp_secret_value")));
		assertCoded(attach(url), 409, "already-linked");

		String refresh = ws("/api/v1/crews/" + this.crew.id() + "/issues/LNK-1/code-links/" + link.get("id").asString()
				+ "/refresh");
		pull(7, "ghp_secret_value", 200, pullJson("closed", false, "2026-08-03T12:00:00Z"));
		Response merged = this.owner.postJson(refresh, "");
		assertThat(merged.status()).as(merged.body()).isEqualTo(200);
		assertThat(merged.json().get("state").asString()).isEqualTo("MERGED");
		assertThat(merged.json().get("remote_merged_at").asString()).startsWith("2026-08-03T12:00");

		// a refused refresh keeps the last state and says why
		pull(7, "ghp_secret_value", 401, "{\"message\":\"Bad credentials\"}");
		assertCoded(this.owner.postJson(refresh, ""), 502, "credential-rejected");
		JsonNode kept = this.owner.get(links()).json().get(0);
		assertThat(kept.get("state").asString()).isEqualTo("MERGED");
		assertThat(kept.get("last_sync_error").asString()).contains("credential-rejected");
		pull(7, "ghp_secret_value", 200, pullJson("closed", false, null));
		Response closed = this.owner.postJson(refresh, "");
		assertThat(closed.json().get("state").asString()).isEqualTo("CLOSED");
		assertThat(closed.json().get("last_sync_error").isNull()).isTrue();

		JsonNode activity = this.owner.get(ws("/api/v1/crews/" + this.crew.id() + "/issues/LNK-1/activity")).json();
		assertThat(activity.get(0).get("action").asString()).isEqualTo("code_link_added");
		String one = ws("/api/v1/crews/" + this.crew.id() + "/issues/LNK-1/code-links/" + link.get("id").asString());
		assertThat(this.owner.delete(one).json().get("status").asString()).isEqualTo("ok");
		assertCoded(this.owner.delete(one), 404, "link-not-found");
		assertThat(this.owner.get(links()).body()).isEqualTo("[]");
	}

	@Test
	void gitlabMergeRequestsOfNestedGroups() {
		credential("GITLAB", "glpat-secret", Map.of());
		this.forge.stubFor(get(urlEqualTo("/api/v4/projects/group%2Fsub%2F" + this.repo + "/merge_requests/3"))
			.withHeader("PRIVATE-TOKEN", equalTo("glpat-secret"))
			.willReturn(okJson("{\"iid\":3,\"title\":\"Fix it\",\"state\":\"opened\",\"draft\":false,"
					+ "\"author\":{\"username\":\"dev\"},\"source_branch\":\"fix\",\"target_branch\":\"main\","
					+ "\"created_at\":\"2026-08-01T10:00:00.000Z\",\"merged_at\":null}")));
		Response attached = attach("https://gitlab.com/group/sub/" + this.repo + "/-/merge_requests/3");
		assertThat(attached.status()).as(attached.body()).isEqualTo(201);
		assertThat(attached.json().get("provider").asString()).isEqualTo("GITLAB");
		assertThat(attached.json().get("owner").asString()).isEqualTo("group/sub");
		assertThat(attached.json().get("kind").asString()).isEqualTo("merge_request");
		assertThat(attached.json().get("state").asString()).isEqualTo("OPEN");
		assertThat(attached.json().get("author").asString()).isEqualTo("dev");
	}

	@Test
	void providerFailuresAreCodedProblems() {
		credential("GITHUB", "ghp_other", Map.of());
		String base = "https://github.com/acme/" + this.repo + "/pull/";
		pull(404, "ghp_other", 404, "{\"message\":\"Not Found\"}");
		assertCoded(attach(base + "404"), 404, "pull-request-not-found");
		pull(403, "ghp_other", 403, "{\"message\":\"Resource not accessible\"}");
		assertCoded(attach(base + "403"), 502, "credential-forbidden");
		this.forge.stubFor(get(urlEqualTo("/repos/acme/" + this.repo + "/pulls/429"))
			.willReturn(aResponse().withStatus(429).withHeader("Retry-After", "42")));
		Response limited = attach(base + "429");
		assertCoded(limited, 429, "rate-limited");
		assertThat(limited.header("Retry-After")).isEqualTo("42");
		pull(500, "ghp_other", 503, "{}");
		assertCoded(attach(base + "500"), 502, "provider-unavailable");
		this.forge.stubFor(get(urlEqualTo("/repos/acme/" + this.repo + "/pulls/301"))
			.willReturn(aResponse().withStatus(301).withHeader("Location", "https://elsewhere.example/steal")));
		assertCoded(attach(base + "301"), 502, "cross-host-redirect");
		assertCoded(attach("https://github.com/acme/" + this.repo + "/issues/3"), 400, "unsupported-url");
		assertCoded(attach("not a url"), 400, "unsupported-url");
		// a forge on an internal address is not called
		assertCoded(attach("http://127.0.0.1:9/acme/x/pull/1"), 422, "blocked-host");
		// a github.com token never goes to another host: a self-hosted forge needs its
		// own
		int before = TestStandIns.vaultCalls.get();
		assertCoded(attach("https://github.example.com/acme/x/pull/1"), 412, "no-credential");
		assertThat(TestStandIns.vaultCalls.get()).isGreaterThan(before);
		assertCoded(this.owner.postJson(ws("/api/v1/crews/" + this.crew.id() + "/issues/LNK-9/code-links"),
				"{\"url\":\"" + base + "1\"}"), 404, "issue-not-found");
	}

}
