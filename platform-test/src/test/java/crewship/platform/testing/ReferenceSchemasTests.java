package crewship.platform.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The validator the other modules' tests rely on: it must find the right operation,
 * accept a body of the documented shape and name what is wrong with one that is not.
 */
class ReferenceSchemasTests {

	private final ReferenceSchemas schemas = ReferenceSchemas.shared();

	@Test
	void aLiteralSegmentBeatsAParameter() {
		assertThat(this.schemas.operation("GET", "/api/v1/skills/proposed?limit=5")).get()
			.extracting(ReferenceSchemas.Operation::template)
			.isEqualTo("/api/v1/skills/proposed");
		assertThat(this.schemas.operation("GET", "/api/v1/skills/c123")).get()
			.extracting(ReferenceSchemas.Operation::template)
			.isEqualTo("/api/v1/skills/{skillId}");
		assertThat(this.schemas.operation("GET", "/api/v1/no-such-thing")).isEmpty();
	}

	@Test
	void aBodyOfTheDocumentedShapeConforms() {
		assertThat(this.schemas.violations("GET", "/api/v1/system/version", 200, "application/json",
				"{\"current\":\"0.1.0\",\"commit\":\"abc\",\"dirty\":false,\"latest\":null,\"url\":null,\"schema_version\":3}"))
			.isEmpty();
		assertThat(this.schemas.violations("GET", "/api/v1/skills/proposed", 200, "application/json", "[]")).isEmpty();
	}

	@Test
	void aWrongShapeIsNamedWithItsOperationAndPath() {
		// null where the schema has a (non-nullable) string; a string where it has an
		// integer
		assertThat(this.schemas.violations("GET", "/api/v1/system/version", 200, "application/json",
				"{\"current\":null,\"schema_version\":\"3\"}"))
			.hasSize(2)
			.allSatisfy(violation -> assertThat(violation).contains("GET /api/v1/system/version"))
			.anySatisfy(violation -> assertThat(violation).contains("$.current"))
			.anySatisfy(violation -> assertThat(violation).contains("$.schema_version"));
		// an object where the reference has an array
		assertThatThrownBy(() -> this.schemas.assertConforms("GET", "/api/v1/skills/proposed", 200, "application/json",
				"{\"items\":[]}"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("/api/v1/skills/proposed");
	}

	@Test
	void anUndocumentedSuccessIsJudgedByTheDocumentedOnesShape() {
		// the reference documents only 200 for the hire; the page answers 201 and 202
		assertThat(this.schemas.violations("POST", "/api/v1/agents/hire", 202, "application/json",
				"{\"status\":\"PENDING_REVIEW\"}"))
			.isEmpty();
		assertThat(this.schemas.violations("POST", "/api/v1/agents/hire", 201, "application/json", "{\"status\":7}"))
			.singleElement()
			.asString()
			.contains("$.status");
	}

	@Test
	void onlySuccessfulJsonAnswersAreJudged() {
		assertThat(this.schemas.violations("GET", "/api/v1/skills/proposed", 404, "application/problem+json",
				"{\"title\":\"Not Found\"}"))
			.isEmpty();
		assertThat(this.schemas.violations("GET", "/api/v1/skills/proposed", 200, "text/html", "<html>"))
			.singleElement()
			.asString()
			.contains("Content-Type");
		assertThat(this.schemas.violations("GET", "/api/v1/skills/proposed", 200, "application/json", "not json"))
			.singleElement()
			.asString()
			.contains("not JSON");
	}

}
