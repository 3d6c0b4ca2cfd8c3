package crewship.crew;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.crew.agents.AgentExpiry;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents through the HTTP API: lifecycle, hiring under each autonomy level, skills,
 * events.
 */
class AgentTests extends CrewTestSupport {

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	AgentExpiry expiry;

	String agent(String crewId, String slug) {
		Response created = this.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Backend Dev\",\"slug\":\"" + slug
				+ "\"" + ((crewId != null) ? ",\"crew_id\":\"" + crewId + "\"" : "") + "}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	@Test
	void agentLifecycleWithItsEvents() {
		String crewId = crew(slug("eng"));
		String slug = slug("backend");
		Response created = this.owner.postJson(ws("/api/v1/agents"), """
				{"name":"Backend Dev","slug":"%s","crew_id":"%s","role_title":"Senior Developer",
				 "system_prompt":"You are a Go developer","memory_enabled":true}
				""".formatted(slug, crewId));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		JsonNode agent = created.json();
		String id = agent.get("id").asString();
		assertThat(agent.get("agent_role").asString()).isEqualTo("AGENT");
		assertThat(agent.get("status").asString()).isEqualTo("IDLE");
		assertThat(agent.get("cli_adapter").asString()).isEqualTo("CLAUDE_CODE");
		assertThat(agent.get("tool_profile").asString()).isEqualTo("CODING");
		assertThat(agent.get("timeout_seconds").asInt()).isEqualTo(1800);
		assertThat(agent.get("memory_enabled").asBoolean()).isTrue();
		assertThat(agent.get("ephemeral").asBoolean()).isFalse();
		assertThat(agent.get("webhook_secret_set").asBoolean()).isFalse();
		assertThat(agent.get("webhook_require_timestamp").asBoolean()).isFalse();
		assertThat(agent.get("crew").get("slug").asString()).startsWith("eng-");
		assertThat(agent.get("created_by_user_id").asString()).isEqualTo(this.ownerId);
		assertThat(agent.has("mcp_config_json")).isFalse();

		assertThat(this.owner.get(ws("/api/v1/agents?crew_id=" + crewId)).json()).hasSize(1);
		assertThat(this.owner.get(ws("/api/v1/crews/" + crewId)).json().get("_count").get("agents").asInt())
			.isEqualTo(1);
		Response updated = patch(this.owner, ws("/api/v1/agents/" + id),
				"{\"webhook_require_timestamp\":true,\"suggested_prompts\":\" Deploy?\\r\\n\\n Status? \",\"mcp_config_json\":\"{\\\"mcpServers\\\":{}}\"}");
		assertThat(updated.status()).as(updated.body()).isEqualTo(200);
		assertThat(updated.json().get("webhook_require_timestamp").asBoolean()).isTrue();
		assertThat(InternalListenerStandIn.policies.get(id)).as("pushed to the vault").isTrue();
		assertThat(updated.json().get("suggested_prompts").asString()).isEqualTo("Deploy?\nStatus?");
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).json().get("webhook_require_timestamp").asBoolean())
			.isTrue();
		assertThat(this.owner.delete(ws("/api/v1/agents/" + id)).status()).isEqualTo(200);
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).status()).isEqualTo(404);
		// the deleted agent's slug is free again
		assertThat(agent(crewId, slug)).isNotEqualTo(id);
		// a deleted agent has no webhook secret to rotate
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents/" + id + "/webhook-secret/rotate"), ""),
				404, "Agent not found");

		assertThat(types(events(id, 3))).containsExactly("agent.created", "agent.updated", "agent.deleted");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			name too short   | "name":"x"                          | 400 | name
			slug format      | "slug":"Has Space"                  | 400 | slug
			role             | "agent_role":"BOSS"                 | 400 | agent_role
			lead mode        | "lead_mode":"sleepy"                | 400 | lead_mode
			cli adapter      | "cli_adapter":"VIM"                 | 400 | cli_adapter
			tool profile     | "tool_profile":"ALL"                | 400 | tool_profile
			lead needs crew  | "agent_role":"LEAD"                 | 400 | crew_id is required
			foreign crew     | "crew_id":"cnotacrewofthisworkspace1" | 400 | crew_id does not name
			timeout          | "timeout_seconds":0                 | 400 | timeout_seconds
			""")
	void invalidAgentIsRejected(String rule, String field, int status, String detail) {
		Response response = this.owner.postJson(ws("/api/v1/agents"),
				"{\"name\":\"Valid\",\"slug\":\"" + slug("a") + "\"," + field + "}");
		CrewTestSupport.assertProblem(response, status, detail);
	}

	@Test
	void slugConflictsAndOneLeadPerCrew() {
		String crewId = crew(slug("leads"));
		String slug = slug("dup");
		agent(crewId, slug);
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Dup\",\"slug\":\"" + slug + "\"}"), 409,
				"already taken");
		Response lead = this.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Lead\",\"slug\":\"" + slug("lead")
				+ "\",\"agent_role\":\"LEAD\",\"crew_id\":\"" + crewId + "\"}");
		assertThat(lead.status()).isEqualTo(201);
		assertThat(lead.json().get("lead_mode").asString()).isEqualTo("active");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Lead 2\",\"slug\":\""
				+ slug("lead") + "\",\"agent_role\":\"LEAD\",\"crew_id\":\"" + crewId + "\"}"), 409, "LEAD");
	}

	@Test
	void theEditGateLetsManagersEditOnlyTheirOwnAgents() {
		String ownersAgent = agent(null, slug("owned"));
		String managerId = Cuid.next();
		member(this.workspaceId, managerId, WorkspaceRole.MANAGER);
		TestHttp manager = as(managerId);
		CrewTestSupport.assertProblem(patch(manager, ws("/api/v1/agents/" + ownersAgent), "{\"name\":\"Mine\"}"), 403,
				"MANAGER");
		Response own = manager.postJson(ws("/api/v1/agents"), "{\"name\":\"Own\",\"slug\":\"" + slug("own") + "\"}");
		String ownId = own.json().get("id").asString();
		assertThat(patch(manager, ws("/api/v1/agents/" + ownId), "{\"name\":\"Renamed\"}").status()).isEqualTo(200);
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertThat(member.get(ws("/api/v1/agents/" + ownId)).status()).isEqualTo(200);
		CrewTestSupport.assertProblem(member.delete(ws("/api/v1/agents/" + ownId)), 403, "MEMBER");
		CrewTestSupport.assertProblem(
				member.postJson(ws("/api/v1/agents"), "{\"name\":\"No\",\"slug\":\"" + slug("no") + "\"}"), 403,
				"MEMBER");
		// another workspace's agent is not found
		String stranger = Cuid.next();
		String otherWorkspace = Cuid.next();
		member(otherWorkspace, stranger, WorkspaceRole.OWNER);
		CrewTestSupport.assertProblem(as(stranger).get("/api/v1/agents/" + ownId + "?workspace_id=" + otherWorkspace),
				404, "Agent not found");
		CrewTestSupport.assertProblem(as(stranger).get(ws("/api/v1/agents/" + ownId)), 404, "Workspace not found");
	}

	private String crewWithPolicy(String autonomy) {
		String crewId = crew(slug(autonomy));
		Response set = put(this.owner, ws("/api/v1/crews/" + crewId + "/policy"),
				"{\"autonomy_level\":\"" + autonomy + "\",\"behavior_mode\":\"warn\",\"reason\":\"test\"}");
		assertThat(set.status()).as(set.body()).isEqualTo(200);
		return crewId;
	}

	private Response hire(String crewId, String extra) {
		return this.owner.postJson(ws("/api/v1/agents/hire"), "{\"crew_id\":\"" + crewId
				+ "\",\"template_slug\":\"backend-dev\",\"reason\":\"Spike\",\"ttl_minutes\":60" + extra + "}");
	}

	@Test
	void strictRejectsTheHire() {
		String crewId = crewWithPolicy("strict");
		Response refused = hire(crewId, "");
		CrewTestSupport.assertProblem(refused, 403, "strict");
		assertThat(refused.json().get("decision").asString()).isEqualTo("rejected");
		assertThat(this.owner.get(ws("/api/v1/agents?crew_id=" + crewId)).json()).isEmpty();
	}

	@Test
	void guidedHoldsTheHireForApproval() {
		String crewId = crewWithPolicy("guided");
		Response pending = hire(crewId, "");
		assertThat(pending.status()).as(pending.body()).isEqualTo(202);
		JsonNode hired = pending.json();
		String id = hired.get("id").asString();
		assertThat(hired.get("status").asString()).isEqualTo("PENDING_REVIEW");
		assertThat(hired.get("pending_review").asBoolean()).isTrue();
		assertThat(hired.get("decision").asString()).isEqualTo("queue_for_approval");
		assertThat(hired.get("slug").asString()).matches("backend-dev-eph-[0-9a-f]{6}");
		assertThat(hired.get("hire_reason").asString()).endsWith("hire: Spike");
		// the approval issue-service's inbox writes from the event carries this id
		String item = hired.get("inbox_item_id").asString();
		assertThat(events(id, 1).get(0).get("data").get("inbox_item_id").asString()).isEqualTo(item);
		assertThat(this.owner.get(ws("/api/v1/agents/crews-status")).json().get("idle").asInt()).isEqualTo(1);

		CrewTestSupport.assertProblem(
				newMember(WorkspaceRole.MEMBER).postJson(ws("/api/v1/agents/" + id + "/approve-hire"), ""), 403,
				"MEMBER");
		Response approved = this.owner.postJson(ws("/api/v1/agents/" + id + "/approve-hire"), "");
		assertThat(approved.status()).as(approved.body()).isEqualTo(200);
		assertThat(approved.json().get("status").asString()).isEqualTo("IDLE");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents/" + id + "/approve-hire"), ""), 409,
				"PENDING_REVIEW");
		assertThat(types(events(id, 2))).containsExactly("agent.hired", "agent.hire_approved");
	}

	@ParameterizedTest
	@CsvSource({ "trusted, auto_with_inbox", "full, auto_log_journal" })
	void trustedAndFullHireLive(String autonomy, String decision) {
		String crewId = crewWithPolicy(autonomy);
		Response live = hire(crewId, ",\"model\":\"claude-sonnet-4\"");
		assertThat(live.status()).as(live.body()).isEqualTo(201);
		assertThat(live.json().get("status").asString()).isEqualTo("IDLE");
		assertThat(live.json().get("pending_review").asBoolean()).isFalse();
		assertThat(live.json().get("decision").asString()).isEqualTo(decision);
		// a trusted hire leaves an inbox notice (its id is claimed here), a full one none
		assertThat(live.json().has("inbox_item_id")).isEqualTo(autonomy.equals("trusted"));
		String id = live.json().get("id").asString();
		JsonNode agent = this.owner.get(ws("/api/v1/agents/" + id)).json();
		assertThat(agent.get("ephemeral").asBoolean()).isTrue();
		assertThat(agent.get("llm_model").asString()).isEqualTo("claude-sonnet-4");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents/" + id + "/approve-hire"), ""), 409,
				"PENDING_REVIEW");
		assertThat(types(events(id, 1))).containsExactly("agent.hired");
	}

	@Test
	void hireRequestsAreValidatedAndQuotaBound() {
		String crewId = crewWithPolicy("trusted");
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/hire"), "{\"template_slug\":\"backend-dev\",\"reason\":\"x\"}"),
				400, "exactly one of crew_id and crew_slug");
		CrewTestSupport.assertProblem(hire(crewId, ",\"crew_slug\":\"x\""), 400, "exactly one");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents/hire"),
				"{\"crew_id\":\"" + crewId + "\",\"template_slug\":\"backend-dev\"}"), 400, "reason");
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/hire"),
						"{\"crew_id\":\"" + crewId + "\",\"template_slug\":\"nope\",\"reason\":\"x\"}"),
				404, "Template");
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/hire"),
						"{\"crew_id\":\"" + Cuid.next() + "\",\"template_slug\":\"backend-dev\",\"reason\":\"x\"}"),
				404, "Crew not found");
		CrewTestSupport.assertProblem(
				newMember(WorkspaceRole.MEMBER).postJson(ws("/api/v1/agents/hire"),
						"{\"crew_id\":\"" + crewId + "\",\"template_slug\":\"backend-dev\",\"reason\":\"x\"}"),
				403, "MEMBER");

		patch(this.owner, ws("/api/v1/crews/" + crewId), "{\"max_ephemeral_agents\":1}");
		Response first = this.owner.postJson(ws("/api/v1/agents/hire"),
				"{\"crew_slug\":\"" + this.owner.get(ws("/api/v1/crews/" + crewId)).json().get("slug").asString()
						+ "\",\"template_slug\":\"reviewer\",\"reason\":\"x\",\"ttl_minutes\":5000}");
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		Response full = hire(crewId, "");
		CrewTestSupport.assertProblem(full, 429, "quota");
		assertThat(full.header("Retry-After")).isNotNull();
	}

	@Test
	void contractorsExpireAtTheirTtlAndCanBeRehired() {
		String crewId = crewWithPolicy("trusted");
		patch(this.owner, ws("/api/v1/crews/" + crewId), "{\"max_ephemeral_agents\":1}");
		String id = hire(crewId, "").json().get("id").asString();
		this.jdbc.update("update agent set expires_at = now() - interval '1 second' where id = ?", id);
		// the scheduled sweep may get there first: either way the row expires once
		this.expiry.sweep();
		this.expiry.sweep();
		JsonNode ghost = this.owner.get(ws("/api/v1/agents/" + id)).json();
		assertThat(ghost.get("expired_at").isNull()).isFalse();
		// a ghost no longer holds a quota slot
		Response second = hire(crewId, "");
		assertThat(second.status()).isEqualTo(201);
		// resurrecting the ghost needs a slot again
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/" + id + "/rehire"), "{\"reason\":\"Another pass\"}"), 429,
				"quota");
		patch(this.owner, ws("/api/v1/crews/" + crewId), "{\"max_ephemeral_agents\":2}");
		CrewTestSupport.assertProblem(this.owner.postJson(ws("/api/v1/agents/" + id + "/rehire"), "{}"), 400, "reason");
		Response rehired = this.owner.postJson(ws("/api/v1/agents/" + id + "/rehire"),
				"{\"reason\":\"Another pass\",\"ttl_minutes\":90}");
		assertThat(rehired.status()).as(rehired.body()).isEqualTo(200);
		assertThat(rehired.json().get("expired_at").isNull()).isTrue();
		assertThat(rehired.json().get("hire_reason").asString()).contains("hire: Spike\n")
			.endsWith("rehire: Another pass");
		String permanent = agent(crewId, slug("perm"));
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/" + permanent + "/rehire"), "{\"reason\":\"x\"}"), 404,
				"not ephemeral");

		List<JsonNode> events = events(id, 3);
		assertThat(types(events)).containsExactly("agent.hired", "agent.expired", "agent.rehired");
		JsonNode expired = events.get(1);
		assertThat(expired.get("actor").isNull()).isTrue();
		assertThat(expired.get("data").get("crew_id").asString()).isEqualTo(crewId);
		assertThat(expired.get("data").get("expired_at").asString()).isNotBlank();
	}

	@Test
	void deletingACrewDeletesItsAgentsAndFreesTheirSlugs() {
		String crewId = crew(slug("gone"));
		String slug = slug("member");
		String id = agent(crewId, slug);
		assertThat(this.owner.delete(ws("/api/v1/crews/" + crewId)).status()).isEqualTo(200);
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).status()).isEqualTo(404);
		assertThat(agent(null, slug)).isNotEqualTo(id);
		assertThat(types(events(id, 2))).containsExactly("agent.created", "agent.deleted");
	}

	@Test
	void personaLayersAndHistory() {
		String crewId = crew(slug("p"));
		String id = agent(crewId, slug("persona"));
		JsonNode synthesized = this.owner.get(ws("/api/v1/agents/" + id + "/persona")).json();
		assertThat(synthesized.get("layer").asString()).isEqualTo("crew");
		assertThat(synthesized.get("from_default").asBoolean()).isTrue();
		assertThat(synthesized.get("cap_bytes").asInt()).isEqualTo(1500);
		put(this.owner, ws("/api/v1/crews/" + crewId + "/persona"), "{\"content\":\"crew layer\"}");
		JsonNode crewLayer = this.owner.get(ws("/api/v1/agents/" + id + "/persona")).json();
		assertThat(crewLayer.get("content").asString()).isEqualTo("crew layer");
		assertThat(crewLayer.get("from_default").asBoolean()).isFalse();
		assertThat(put(this.owner, ws("/api/v1/agents/" + id + "/persona"), "{\"content\":\"v1\"}").status())
			.isEqualTo(200);
		assertThat(put(this.owner, ws("/api/v1/agents/" + id + "/persona"), "{\"content\":\"v2\"}").status())
			.isEqualTo(200);
		JsonNode agentLayer = this.owner.get(ws("/api/v1/agents/" + id + "/persona")).json();
		assertThat(agentLayer.get("layer").asString()).isEqualTo("agent");
		assertThat(agentLayer.get("content").asString()).isEqualTo("v2");
		CrewTestSupport.assertProblem(
				put(this.owner, ws("/api/v1/agents/" + id + "/persona"), "{\"content\":\"" + "é".repeat(751) + "\"}"),
				413, "1500");
		JsonNode history = this.owner.get(ws("/api/v1/agents/" + id + "/persona/history?limit=5")).json();
		assertThat(history).hasSize(2);
		assertThat(history.get(0).get("parent_sha").asString()).isEqualTo(history.get(1).get("sha256").asString());
		assertThat(history.get(1).has("parent_sha")).isFalse();
		assertThat(this.owner.delete(ws("/api/v1/agents/" + id + "/persona")).status()).isEqualTo(204);
		assertThat(this.owner.get(ws("/api/v1/agents/" + id + "/persona")).json().get("content").asString())
			.isEqualTo("crew layer");
	}

	@Test
	void skillsAreAssignedFromTheWorkspaceRegistry() {
		String id = agent(null, slug("skilled"));
		Response imported = this.owner.postJson("/api/v1/workspaces/" + this.workspaceId + "/skills/import",
				"{\"content\":\"---\\nname: pr-review\\ndescription: Reviews PRs\\nversion: 1.2.0\\n---\\n# PR review\\n\"}");
		assertThat(imported.status()).as(imported.body()).isEqualTo(201);
		String skillId = imported.json().get("id").asString();
		// beside the bundled skills every workspace sees, the one imported here
		JsonNode registry = this.owner.get(ws("/api/v1/skills?category=CUSTOM")).json();
		assertThat(registry).hasSize(1);
		assertThat(registry.get(0).get("version").asString()).isEqualTo("1.2.0");
		assertThat(registry.get(0).get("verification").asString()).isEqualTo("UNVERIFIED");

		Response assigned = this.owner.postJson(ws("/api/v1/agents/" + id + "/skills"),
				"{\"skill_id\":\"" + skillId + "\"}");
		assertThat(assigned.status()).as(assigned.body()).isEqualTo(201);
		Response again = this.owner.postJson(ws("/api/v1/agents/" + id + "/skills"),
				"{\"skill_id\":\"" + skillId + "\"}");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("already_assigned").asBoolean()).isTrue();
		assertThat(again.json().get("id").asString()).isEqualTo(assigned.json().get("id").asString());
		JsonNode skills = this.owner.get(ws("/api/v1/agents/" + id + "/skills")).json();
		assertThat(skills).hasSize(1);
		assertThat(skills.get(0).get("skill").get("slug").asString()).isEqualTo("pr-review");
		assertThat(this.owner.get(ws("/api/v1/agents/" + id)).json().get("_count").get("skills").asInt()).isEqualTo(1);
		CrewTestSupport.assertProblem(
				this.owner.postJson(ws("/api/v1/agents/" + id + "/skills"), "{\"skill_id\":\"" + Cuid.next() + "\"}"),
				404, "Skill not found");

		assertThat(this.owner.delete(ws("/api/v1/agents/" + id + "/skills/" + skillId)).status()).isEqualTo(204);
		assertThat(this.owner.delete(ws("/api/v1/agents/" + id + "/skills/" + skillId)).status()).isEqualTo(404);
		List<JsonNode> events = events(id, 5);
		assertThat(types(events)).containsExactly("agent.created", "agent.skill_assigned", "agent.updated",
				"agent.skill_unassigned", "agent.updated");
		// the run engine's copy of the agent follows its skills
		assertThat(events.get(2).get("data").get("skills").valueStream().map(JsonNode::asString))
			.containsExactly("pr-review");
		assertThat(events.get(4).get("data").get("skills")).isEmpty();
	}

	@Test
	void crewsStatusCounts() {
		agent(null, slug("one"));
		String two = agent(null, slug("two"));
		this.jdbc.update("update agent set status = 'RUNNING' where id = ?", two);
		JsonNode status = this.owner.get(ws("/api/v1/agents/crews-status")).json();
		assertThat(status.get("total").asInt()).isEqualTo(2);
		assertThat(status.get("running").asInt()).isEqualTo(1);
		assertThat(status.get("error").asInt()).isZero();
		assertThat(status.get("idle").asInt()).isEqualTo(1);
		assertThat(status.get("queued").asInt()).isZero();
	}

}
