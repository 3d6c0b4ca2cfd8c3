package crewship.crew;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crew templates: the built-in blueprints, deploy (crew, persona, agents and their skills
 * in one transaction), and what a failure midway leaves behind — nothing.
 */
class CrewTemplateTests extends CrewTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	TestHttp owner;

	@BeforeEach
	void validating() {
		this.owner = super.owner.validating();
	}

	@Test
	void theBuiltInBlueprintsAreListedWithTheirAgents() {
		Response list = this.owner.get(ws("/api/v1/crew-templates"));
		assertThat(list.status()).isEqualTo(200);
		assertThat(SkillTests.slugs(list.json())).containsExactlyInAnyOrder("release-crew", "triage-crew",
				"research-crew");
		Response release = this.owner.get(ws("/api/v1/crew-templates/release-crew"));
		assertThat(release.status()).isEqualTo(200);
		JsonNode template = release.json();
		assertThat(template.get("is_builtin").asBoolean()).isTrue();
		assertThat(template.get("version").asInt()).isEqualTo(1);
		assertThat(template.get("agents")).hasSize(3);
		assertThat(template.get("agents").get(0).get("agent_role").asString()).isEqualTo("LEAD");
		assertThat(template.get("agents").get(0).get("skills").toString()).contains("release-notes");
		assertThat(this.owner.get(ws("/api/v1/crew-templates/nope")).status()).isEqualTo(404);
	}

	@Test
	void deployCreatesTheCrewItsPersonaAgentsAndSkills() {
		Response deployed = this.owner.postJson(ws("/api/v1/crew-templates/release-crew/deploy"),
				"{\"crew_name\":\"Release Crew Nine\"}");
		assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
		JsonNode body = deployed.json();
		String crewId = body.get("crew_id").asString();
		assertThat(body.get("crew_slug").asString()).isEqualTo("release-crew-nine");
		assertThat(body.get("crew_name").asString()).isEqualTo("Release Crew Nine");
		assertThat(body.get("agent_count").asInt()).isEqualTo(3);

		JsonNode agents = this.owner.get(ws("/api/v1/agents?crew_id=" + crewId)).json();
		assertThat(SkillTests.slugs(agents)).containsExactlyInAnyOrder("release-crew-nine-lead",
				"release-crew-nine-reviewer", "release-crew-nine-tester");
		String lead = body.get("agent_ids").get(0).asString();
		assertThat(this.owner.get(ws("/api/v1/agents/" + lead)).json().get("agent_role").asString()).isEqualTo("LEAD");
		JsonNode skills = this.owner.get(ws("/api/v1/agents/" + lead + "/skills")).json();
		assertThat(skills).hasSize(2);
		assertThat(skills.toString()).contains("release-notes", "github-pr-review");
		assertThat(this.owner.get(ws("/api/v1/crews/" + crewId + "/persona")).json().get("content").asString())
			.contains("small, reviewed changes");

		List<String> types = types(events(crewId, 3));
		assertThat(types).startsWith("crew.created").contains("crew_template.deployed");
		JsonNode deployEvent = events(crewId, 3).stream()
			.filter(event -> event.get("type").asString().equals("crew_template.deployed"))
			.findFirst()
			.orElseThrow();
		assertThat(deployEvent.get("data").get("template").asString()).isEqualTo("release-crew");
		assertThat(deployEvent.get("data").get("agent_ids")).hasSize(3);

		// the same slug again: 409, and nothing more is made
		Response again = this.owner.postJson(ws("/api/v1/crew-templates/release-crew/deploy"),
				"{\"crew_name\":\"Other name\",\"crew_slug\":\"release-crew-nine\"}");
		assertProblem(again, 409, "already taken");
		assertThat(this.owner.get(ws("/api/v1/agents")).json()).hasSize(3);
	}

	@Test
	void aFailureAtTheThirdAgentLeavesNothingBehind() {
		String crewSlug = slug("atomic");
		// an agent already holds the slug the template's third agent would take
		String blocker = crewSlug + "-tester";
		assertThat(super.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Blocker\",\"slug\":\"" + blocker + "\"}")
			.status()).isEqualTo(201);
		long crewsBefore = this.jdbc.queryForObject("select count(*) from crew", Long.class);

		Response failed = this.owner.postJson(ws("/api/v1/crew-templates/release-crew/deploy"),
				"{\"crew_name\":\"Atomic\",\"crew_slug\":\"" + crewSlug + "\"}");
		assertProblem(failed, 409, "'" + blocker + "' is already taken");

		assertThat(this.owner.get(ws("/api/v1/crews/" + crewSlug)).status()).isEqualTo(404);
		assertThat(this.jdbc.queryForObject("select count(*) from crew", Long.class)).isEqualTo(crewsBefore);
		assertThat(
				this.jdbc.queryForObject("select count(*) from agent where slug like ?", Long.class, crewSlug + "-%"))
			.isEqualTo(1); // the blocker alone
		assertThat(this.jdbc.queryForObject(
				"select count(*) from agent_skill s join agent a on a.id = s.agent_id where a.slug like ?", Long.class,
				crewSlug + "-%"))
			.isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from persona_version p where p.owner_type = 'crew'"
				+ " and not exists (select 1 from crew c where c.id = p.owner_id)", Long.class))
			.isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from platform_outbox where payload like ?", Long.class,
				"%" + crewSlug + "-lead%"))
			.isZero();
		assertThat(this.owner.get(ws("/api/v1/crews")).json()).isEmpty();

		// with the slug free the same deploy goes through
		super.owner
			.delete(ws("/api/v1/agents/" + super.owner.get(ws("/api/v1/agents")).json().get(0).get("id").asString()));
		assertThat(this.owner
			.postJson(ws("/api/v1/crew-templates/release-crew/deploy"),
					"{\"crew_name\":\"Atomic\",\"crew_slug\":\"" + crewSlug + "\"}")
			.status()).isEqualTo(201);
	}

	@Test
	void deployValidatesAndTakesTheRoleThatCreatingACrewTakes() {
		assertProblem(this.owner.postJson(ws("/api/v1/crew-templates/release-crew/deploy"), "{}"), 400,
				"crew_name is required");
		assertProblem(this.owner.postJson(ws("/api/v1/crew-templates/release-crew/deploy"),
				"{\"crew_name\":\"X y\",\"crew_slug\":\"Not A Slug\"}"), 400, "crew_slug");
		assertProblem(this.owner.postJson(ws("/api/v1/crew-templates/nope/deploy"), "{\"crew_name\":\"Nope\"}"), 404,
				"Crew template not found");
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertThat(member.get(ws("/api/v1/crew-templates")).status()).isEqualTo(200);
		assertProblem(member.postJson(ws("/api/v1/crew-templates/research-crew/deploy"), "{\"crew_name\":\"Mine\"}"),
				403, "may not create");
	}

}
