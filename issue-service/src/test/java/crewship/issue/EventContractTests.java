package crewship.issue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestKafka;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the JSON shape of every event issue-service publishes on {@code crewship.issue.v1}
 * — the envelope, and the {@code data} keys of each type — so mission-service (the
 * {@code issue.run_requested}/{@code issue.stop_requested} contract of CONTRACTS.md) and
 * realtime-service cannot be broken silently; and that each change also left an audit
 * record.
 */
class EventContractTests extends IssueTestSupport {

	static final Set<String> ISSUE_CARD = Set.of("id", "identifier", "status", "crew_id");

	/** Each type, with the data keys of each shape it comes in. */
	static final Map<String, Set<Set<String>>> DATA_KEYS = Map.ofEntries(Map.entry("issue.created", Set.of(ISSUE_CARD)),
			Map.entry("issue.updated",
					Set.of(ISSUE_CARD, Set.of("id", "identifier", "crew_id", "change", "comment_id"),
							Set.of("id", "identifier", "crew_id", "change", "relation_id"),
							Set.of("id", "identifier", "crew_id", "change", "attachment_id"),
							Set.of("id", "identifier", "crew_id", "change", "code_link_id"))),
			Map.entry("issue.deleted", Set.of(Set.of("id", "identifier", "crew_id"))),
			Map.entry("issue.started", Set.of(ISSUE_CARD)),
			Map.entry("issue.run_requested",
					Set.of(Set.of("request_id", "issue_id", "identifier", "crew_id", "agent_id", "title", "description",
							"priority", "requested_by"))),
			Map.entry("issue.stop_requested", Set.of(Set.of("request_id", "issue_id", "requested_by"))),
			Map.entry("issues.bulk_updated", Set.of(Set.of("count", "ids"))),
			Map.entry("label.created", Set.of(Set.of("id", "name"))),
			Map.entry("label.updated", Set.of(Set.of("id", "name"))), Map.entry("label.deleted", Set.of(Set.of("id"))),
			Map.entry("project.created", Set.of(Set.of("id", "name"))),
			Map.entry("project.updated", Set.of(Set.of("id"))), Map.entry("project.deleted", Set.of(Set.of("id"))),
			Map.entry("milestone.created", Set.of(Set.of("id", "project_id"))),
			Map.entry("milestone.updated", Set.of(Set.of("id", "project_id"))),
			Map.entry("milestone.deleted", Set.of(Set.of("id", "project_id"))),
			Map.entry("saved_view.created", Set.of(Set.of("id"))),
			Map.entry("saved_view.updated", Set.of(Set.of("id"))),
			Map.entry("saved_view.deleted", Set.of(Set.of("id"))),
			Map.entry("inbox.updated",
					Set.of(Set.of("id", "kind", "state"), Set.of("id", "state"), Set.of("bulk", "state", "updated"),
							Set.of("purge", "deleted"), Set.of("purge", "kind", "deleted"))));

	@Test
	void everyEventTypeHasItsEnvelopeAndDataShape() {
		Crew crew = crew("EVT");
		String agentId = projectedAgent(crew.id(), "Eventful");
		String label = this.owner.postJson(ws("/api/v1/labels"), "{\"name\":\"evt\",\"color\":\"#000\"}")
			.json()
			.get("id")
			.asString();
		patch(this.owner, ws("/api/v1/labels/" + label), "{\"color\":\"#fff\"}");
		String project = this.owner.postJson(ws("/api/v1/projects"), "{\"name\":\"Events\"}")
			.json()
			.get("id")
			.asString();
		patch(this.owner, ws("/api/v1/projects/" + project), "{\"status\":\"started\"}");
		String milestone = this.owner.postJson(ws("/api/v1/projects/" + project + "/milestones"), "{\"name\":\"M\"}")
			.json()
			.get("id")
			.asString();
		patch(this.owner, ws("/api/v1/milestones/" + milestone), "{\"status\":\"completed\"}");
		String view = this.owner.postJson(ws("/api/v1/saved-views"), "{\"name\":\"V\",\"filters_json\":\"{}\"}")
			.json()
			.get("id")
			.asString();
		patch(this.owner, ws("/api/v1/saved-views/" + view), "{\"shared\":true}");
		this.owner.delete(ws("/api/v1/saved-views/" + view));
		this.owner.delete(ws("/api/v1/milestones/" + milestone));

		String first = issue(crew, "First", "\"assignee_id\":\"" + agentId + "\"").get("id").asString();
		String second = issue(crew, "Second", "").get("id").asString();
		String base = ws("/api/v1/crews/" + crew.id() + "/issues/");
		String mentioned = newMemberId(WorkspaceRole.MEMBER);
		this.owner.postJson(base.replace("/issues/?", "/issues/EVT-1/comments?"),
				"{\"body\":\"hi @" + mentioned + "\"}");
		this.owner.postJson(base.replace("/issues/?", "/issues/EVT-1/relations?"),
				"{\"target_identifier\":\"EVT-2\",\"relation_type\":\"relates_to\"}");
		this.owner.send("PATCH", ws("/api/v1/issues/bulk"), "application/json",
				"{\"ids\":[\"" + second + "\"],\"updates\":{\"priority\":\"low\"}}");
		this.owner.postJson(base.replace("/issues/?", "/issues/EVT-1/start?"), "");
		this.owner.postJson(base.replace("/issues/?", "/issues/EVT-1/stop?"), "");
		this.owner.delete(base.replace("/issues/?", "/issues/EVT-1?"));
		this.owner.delete(ws("/api/v1/projects/" + project));
		this.owner.delete(ws("/api/v1/labels/" + label));
		this.owner.delete(ws("/api/v1/inbox"));
		// issue.started, and the attachment/code-link shapes, are pinned where they
		// happen
		// (LifecycleTests, AttachmentTests, CodeLinkTests read them back)

		Set<String> subjects = Set.of(first, second, label, project, milestone, view, this.workspaceId);
		List<ConsumerRecord<String, String>> records = TestKafka.readUntil(ISSUE_TOPIC,
				read -> read.stream().filter(r -> subjects.contains(r.key())).count() >= 23, Duration.ofSeconds(30));
		List<JsonNode> events = new ArrayList<>(records.stream()
			.filter(r -> subjects.contains(r.key()))
			.map(r -> this.json.readTree(r.value()))
			.toList());
		Set<String> seen = new TreeSet<>();
		for (JsonNode event : events) {
			String type = event.get("type").asString();
			seen.add(type);
			assertThat(Cuid.isValid(event.get("id").asString())).as(type).isTrue();
			assertThat(event.get("workspace_id").asString()).as(type).isEqualTo(this.workspaceId);
			assertThat(event.get("time").asString()).as(type).endsWith("Z");
			assertThat(event.has("actor")).as(type).isTrue();
			assertThat(DATA_KEYS).as("a known type").containsKey(type);
			assertThat(DATA_KEYS.get(type)).as(type + " " + event.get("data"))
				.contains(new TreeSet<>(event.get("data").propertyNames()));
		}
		assertThat(seen).contains("issue.created", "issue.updated", "issue.deleted", "issue.run_requested",
				"issue.stop_requested", "issues.bulk_updated", "label.created", "label.updated", "label.deleted",
				"project.created", "project.updated", "project.deleted", "milestone.created", "milestone.updated",
				"milestone.deleted", "saved_view.created", "saved_view.updated", "saved_view.deleted", "inbox.updated");

		// every change has its audit record, in the same transaction
		List<ConsumerRecord<String, String>> audits = TestKafka.readUntil(Topics.AUDIT,
				read -> read.stream().filter(r -> r.value().contains(first)).count() >= 3, Duration.ofSeconds(30));
		assertThat(audits.stream()
			.filter(r -> this.workspaceId.equals(r.key()))
			.map(r -> this.json.readTree(r.value()).get("data").get("action").asString())
			.toList())
			.contains("issue.created", "issue.run_requested", "issue.deleted", "label.created", "saved_view.deleted");
	}

	@Test
	void theRunEventContractIsReadAsCONTRACTSmdShowsIt() {
		// the shape mission-service publishes; unknown fields are tolerated
		Crew crew = crew("CTR");
		String agentId = projectedAgent(crew.id(), "Contracted");
		String issueId = issue(crew, "Contract", "\"assignee_id\":\"" + agentId + "\"").get("id").asString();
		this.owner.postJson(ws("/api/v1/crews/" + crew.id() + "/issues/CTR-1/start"), "");
		String runId = Cuid.next();
		String event = """
				{"id":"%s","type":"run.started","workspace_id":"%s","subject":"%s","actor":null,"time":"2026-08-01T10:00:00Z",
				 "data":{"id":"%s","agent_id":"%s","crew_id":"%s","status":"RUNNING","trigger":"ISSUE","issue_id":"%s",
				         "mission_id":null,"task_id":null,"chat_id":null,"started_at":"2026-08-01T10:00:00Z",
				         "finished_at":null,"duration_ms":0,"error":null,"summary":null,"token_count":0,
				         "estimated_cost":0.0,"model":"claude","a_field_added_later":true}}
				"""
			.formatted(Cuid.next(), this.workspaceId, runId, runId, agentId, crew.id(), issueId);
		this.kafka.send(MISSION_TOPIC, runId, event).join();
		await("issue in progress",
				() -> this.owner.get(ws("/api/v1/issues/CTR-1")).json().get("status").asString().equals("IN_PROGRESS"));
		JsonNode started = events(issueId, 4).stream()
			.filter(e -> e.get("type").asString().equals("issue.started"))
			.findFirst()
			.orElseThrow();
		assertThat(new TreeSet<>(started.get("data").propertyNames())).isEqualTo(new TreeSet<>(ISSUE_CARD));
		assertThat(started.get("data").get("status").asString()).isEqualTo("IN_PROGRESS");
		assertThat(started.get("actor").isNull()).isTrue();
	}

}
