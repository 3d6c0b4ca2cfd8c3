package crewship.gateway.openapi;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.gateway.openapi.OpenApiMerger.Part;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class OpenApiMergerTests {

	static final JsonMapper json = JsonMapper.builder().build();

	static JsonNode doc(String text) {
		return json.readTree(text.replace('\'', '"'));
	}

	static final JsonNode CREW = doc(
			"""
					{'openapi':'3.1.0','paths':{
					  '/api/v1/crews':{'get':{'operationId':'list','responses':{'200':{'content':{'application/json':
					     {'schema':{'type':'array','items':{'$ref':'#/components/schemas/Crew'}}}}}}}},
					  '/api/v1/crews/{id}':{'delete':{'operationId':'delete','responses':{'204':{'description':''}}}},
					  '/api/v1/internal/crews/{id}':{'get':{'operationId':'internalCrew','responses':{}}}},
					 'components':{'schemas':{
					  'Crew':{'type':'object','properties':{'slug':{'type':'string'},'owner':{'$ref':'#/components/schemas/Owner'}}},
					  'Owner':{'type':'object','properties':{'name':{'type':'string'}}},
					  'Problem':{'type':'object','properties':{'status':{'type':'integer'}}}}},
					 'tags':[{'name':'crews'}]}""");

	static final JsonNode ISSUE = doc("""
			{'openapi':'3.1.0','paths':{
			  '/api/v1/issues':{'get':{'operationId':'list','responses':{'200':{'content':{'application/json':
			     {'schema':{'$ref':'#/components/schemas/Crew'}}}}}}},
			  '/api/v1/issues/{id}':{'get':{'operationId':'get','responses':{'200':{'content':{'application/json':
			     {'schema':{'$ref':'#/components/schemas/Wrapper'}}}}}}}},
			 'components':{'schemas':{
			  'Crew':{'type':'object','properties':{'name':{'type':'string'}}},
			  'Wrapper':{'type':'object','properties':{'crew':{'$ref':'#/components/schemas/Crew'}}},
			  'Owner':{'type':'object','properties':{'name':{'type':'string'}}},
			  'Problem':{'type':'object','properties':{'status':{'type':'integer'}}}}}}""");

	@Test
	void everyPublicOperationOfEveryServiceIsInTheMergedDocumentInternalOnesAreNot() {
		JsonNode merged = OpenApiMerger.merge(List.of(new Part("crew-service", CREW), new Part("issue-service", ISSUE)),
				List.of(), "1.0");
		assertThat(merged.get("openapi").asString()).isEqualTo("3.1.0");
		assertThat(OpenApiMerger.operations(merged)).containsExactlyInAnyOrder("GET /api/v1/crews",
				"DELETE /api/v1/crews/{id}", "GET /api/v1/issues", "GET /api/v1/issues/{id}");
		assertThat(merged.at("/paths/~1api~1v1~1issues/get/x-crewship-service").asString()).isEqualTo("issue-service");
		assertThat(merged.has("x-crewship-missing-services")).isFalse();
		assertThat(merged.get("x-crewship-services").values()).extracting(JsonNode::asString)
			.containsExactly("crew-service", "issue-service");
	}

	@Test
	void aSchemaNameTakenByOtherContentIsRenamedForTheLaterServiceAndItsReferencesFollow() {
		JsonNode merged = OpenApiMerger.merge(List.of(new Part("crew-service", CREW), new Part("issue-service", ISSUE)),
				List.of(), "1.0");
		JsonNode schemas = merged.at("/components/schemas");
		// the same content once; a clash renamed
		assertThat(schemas.propertyNames()).containsExactlyInAnyOrder("Crew", "Owner", "Problem", "issue-service.Crew",
				"Wrapper");
		assertThat(schemas.at("/Crew/properties").has("slug")).isTrue();
		assertThat(schemas.at("/issue-service.Crew/properties").has("name")).isTrue();
		// issue-service's references, in its paths and in its other components, point at
		// its own
		assertThat(merged.at("/paths/~1api~1v1~1issues/get/responses/200/content/application~1json/schema/$ref")
			.asString()).isEqualTo("#/components/schemas/issue-service.Crew");
		assertThat(schemas.at("/Wrapper/properties/crew/$ref").asString())
			.isEqualTo("#/components/schemas/issue-service.Crew");
		// crew-service's stay
		assertThat(merged.at("/paths/~1api~1v1~1crews/get/responses/200/content/application~1json/schema/items/$ref")
			.asString()).isEqualTo("#/components/schemas/Crew");
	}

	@Test
	void operationIdsStayUniqueAcrossServices() {
		JsonNode merged = OpenApiMerger.merge(List.of(new Part("crew-service", CREW), new Part("issue-service", ISSUE)),
				List.of(), "1.0");
		assertThat(merged.at("/paths/~1api~1v1~1crews/get/operationId").asString()).isEqualTo("list");
		assertThat(merged.at("/paths/~1api~1v1~1issues/get/operationId").asString()).isEqualTo("issue-service_list");
	}

	@Test
	void servicesThatDidNotAnswerAreNamed() {
		JsonNode merged = OpenApiMerger.merge(List.of(new Part("crew-service", CREW)),
				List.of("issue-service", "auth-service"), "1.0");
		assertThat(merged.get("x-crewship-missing-services").values()).extracting(JsonNode::asString)
			.containsExactly("issue-service", "auth-service");
		assertThat(merged.at("/info/description").asString()).contains("issue-service, auth-service");
		assertThat(OpenApiMerger.operations(merged)).contains("GET /api/v1/crews");
	}

}
