package crewship.platform.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service describes its operations (springdoc) at {@code /internal/openapi}, for the
 * gateway to merge: only to a caller with a gateway-signed assertion, never to one that
 * reaches its port directly.
 */
@ServiceTest
class ServiceOpenApiTests {

	@LocalServerPort
	int port;

	TestHttp http;

	@BeforeEach
	void setUp() {
		this.http = new TestHttp("http://localhost:" + this.port);
	}

	@Test
	void theDocumentIsServedBehindTheIdentityAssertionOnly() {
		assertThat(this.http.get("/internal/openapi").status()).isEqualTo(401);
		Response document = this.http.get("/internal/openapi", IdentityAssertion.HEADER, TestIdentities.internal());
		assertThat(document.status()).as(document.body()).isEqualTo(200);
		JsonNode json = document.json();
		assertThat(json.get("openapi").asString()).startsWith("3.1");
		JsonNode create = json.at("/paths/~1api~1v1~1workspaces~1{workspaceId}~1widgets/post");
		assertThat(create.isObject()).as(json.get("paths").propertyNames().toString()).isTrue();
		// the caller is the gateway's assertion, not a parameter a client sends
		assertThat(create.path("parameters").values())
			.noneMatch(parameter -> parameter.path("name").asString().toLowerCase().contains("caller"));
		// a list's PageParams are its limit and offset query parameters
		assertThat(json.at("/paths/~1api~1v1~1workspaces~1{workspaceId}~1widgets/get/parameters").values())
			.extracting(parameter -> parameter.path("name").asString())
			.containsExactlyInAnyOrder("workspaceId", "limit", "offset");
		// properties are named as the service writes them: snake_case
		String whoami = json.at("/paths/~1api~1v1~1whoami/get/responses/200/content/*~1*/schema/$ref").asString();
		JsonNode schema = json.at("/components/schemas/" + whoami.substring(whoami.lastIndexOf('/') + 1));
		assertThat(schema.path("properties").propertyNames()).contains("credential_id").doesNotContain("credentialId");
	}

}
