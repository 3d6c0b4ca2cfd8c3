package crewship.platform.testing;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every failure a client can cause answers application/problem+json with the right
 * status.
 */
@ServiceTest
class ProblemDetailsTests {

	@LocalServerPort
	int port;

	@Autowired
	MembershipReplica replica;

	TestHttp http;

	String workspace;

	@BeforeEach
	void setUp() {
		String user = Cuid.next();
		this.workspace = Cuid.next();
		this.replica.apply(new Membership(this.workspace, user, WorkspaceRole.OWNER, 1));
		this.http = new TestHttp("http://localhost:" + this.port).withHeader("X-Crewship-Identity",
				TestIdentities.user(user));
	}

	private String widgets() {
		return "/api/v1/workspaces/" + this.workspace + "/widgets";
	}

	@Test
	void validCreateSucceeds() {
		Response response = this.http.postJson(widgets(), "{\"name\":\"Alpha\",\"slug\":\"alpha\"}");
		assertThat(response.status()).as(response.body()).isEqualTo(201);
		assertThat(response.json().get("id").asString()).matches("c[0-9a-z]{24}");
	}

	@Test
	void validationNamesEveryBadField() {
		Response response = this.http.postJson(widgets(), "{\"name\":\"A\",\"slug\":\"-Bad\"}");
		assertProblem(response, 400, widgets());
		assertThat(response.json().get("detail").asString()).contains("name").contains("slug");
		List<String> fields = response.json().get("errors").valueStream().map(e -> e.get("field").asString()).toList();
		assertThat(fields).contains("name", "slug");
	}

	@Test
	void malformedJsonIs400() {
		Response response = this.http.postJson(widgets(), "{\"name\": ");
		assertProblem(response, 400, widgets());
		assertThat(response.json().get("detail").asString()).isEqualTo("Malformed JSON request body");
	}

	@Test
	void unknownPathIs404() {
		Response response = this.http.get("/api/v1/nothing-here");
		assertProblem(response, 404, "/api/v1/nothing-here");
	}

	@Test
	void wrongMethodIs405() {
		Response response = this.http.delete(widgets());
		assertProblem(response, 405, widgets());
	}

	@Test
	void bodyOverOneMegabyteIs413() {
		String big = "{\"name\":\"" + "x".repeat(1024 * 1024) + "\",\"slug\":\"big\"}";
		Response response = this.http.postJson(widgets(), big);
		assertProblem(response, 413, widgets());
	}

	@Test
	void wrongContentTypeIs415() {
		Response response = this.http.send("POST", widgets(), "text/plain", "name=alpha");
		assertProblem(response, 415, widgets());
	}

	@Test
	void duplicateIs409AndLosesNothing() {
		assertThat(this.http.postJson(widgets(), "{\"name\":\"Dup\",\"slug\":\"dup\"}").status()).isEqualTo(201);
		Response again = this.http.postJson(widgets(), "{\"name\":\"Dup\",\"slug\":\"dup\"}");
		assertProblem(again, 409, widgets());
		assertThat(again.body()).doesNotContain("widget_slug_live").doesNotContainIgnoringCase("duplicate key");
	}

	@Test
	void unexpectedFailureIs500WithoutInternals() {
		Response response = this.http.get("/api/v1/boom/x1");
		assertProblem(response, 500, "/api/v1/boom/x1");
		assertThat(response.body()).doesNotContain("select").doesNotContain("Exception").doesNotContain("at crewship");
	}

	@Test
	void paginationDefaultsAndBounds() {
		assertThat(this.http.get(widgets()).json().get(0).asString()).isEqualTo("limit=50");
		assertThat(this.http.get(widgets() + "?limit=100&offset=40").json().get(1).asString()).isEqualTo("offset=40");
		assertProblem(this.http.get(widgets() + "?limit=101"), 400, widgets());
		assertProblem(this.http.get(widgets() + "?limit=0"), 400, widgets());
		assertProblem(this.http.get(widgets() + "?offset=-1"), 400, widgets());
		assertProblem(this.http.get(widgets() + "?limit=ten"), 400, widgets());
	}

	static void assertProblem(Response response, int status, String instance) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("status").asInt()).isEqualTo(status);
		assertThat(response.json().get("title").asString()).isNotBlank();
		assertThat(response.json().get("type").asString()).isEqualTo("about:blank");
		assertThat(response.json().get("detail").asString()).isNotBlank();
		assertThat(response.json().get("instance").asString()).isEqualTo(instance);
	}

}
