package crewship.mission.triggers;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.mission.agents.AgentProfile;
import crewship.mission.prompts.PromptFence;
import crewship.mission.runs.NewRun;
import crewship.mission.runs.RunRequests;
import crewship.mission.runs.Trigger;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs of issues (CONTRACTS.md): {@code issue.run_requested} becomes a run with trigger
 * ISSUE, deduplicated by the request id; {@code issue.stop_requested} cancels the issue's
 * live runs. One listener for both keeps them in the order issue-service sent them (both
 * are keyed by the issue). Each event is applied once.
 */
@Component
class IssueTriggers {

	static final String CONSUMER = "mission.issue-triggers";

	private static final Logger log = LoggerFactory.getLogger(IssueTriggers.class);

	private final RunRequests runs;

	private final TriggerSupport support;

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	IssueTriggers(RunRequests runs, TriggerSupport support, JdbcTemplate jdbc, JsonMapper json,
			ProcessedEvents processed, PlatformTransactionManager transactionManager) {
		this.runs = runs;
		this.support = support;
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = "crewship.issue.v1", groupId = "${spring.application.name}.issue-triggers")
	void onIssueEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	void apply(EventEnvelope event) {
		if ("issue.run_requested".equals(event.type())) {
			runRequested(event);
		}
		else if ("issue.stop_requested".equals(event.type())) {
			stopRequested(event);
		}
	}

	private void runRequested(EventEnvelope event) {
		JsonNode data = event.data();
		String requestId = TriggerSupport.text(data, "request_id");
		String agentId = TriggerSupport.text(data, "agent_id");
		String issueId = TriggerSupport.text(data, "issue_id");
		if (event.workspaceId() == null || requestId == null || agentId == null || issueId == null) {
			log.warn("Ignoring issue.run_requested {} without workspace, request, agent or issue", event.id());
			return;
		}
		AgentProfile agent = this.support.awaitAgent(event.workspaceId(), agentId).orElse(null);
		if (agent == null) {
			log.info("issue.run_requested {} names agent {}, unknown here: the run will fail saying so", event.id(),
					agentId);
		}
		String crewId = (TriggerSupport.text(data, "crew_id") != null) ? TriggerSupport.text(data, "crew_id")
				: (agent != null) ? agent.crewId() : null;
		String identifier = TriggerSupport.text(data, "identifier");
		NewRun run = new NewRun(event.workspaceId(), agentId, crewId, Trigger.ISSUE, prompt(data), List.of(), null,
				null, null, issueId, (identifier != null) ? List.of("issue", identifier) : List.of("issue"),
				"issue:" + requestId, TriggerSupport.text(data, "requested_by"));
		this.transactions.executeWithoutResult(status -> {
			if (this.processed.markApplied(CONSUMER, event.id())) {
				this.runs.submit(run);
			}
		});
	}

	private void stopRequested(EventEnvelope event) {
		String issueId = TriggerSupport.text(event.data(), "issue_id");
		if (event.workspaceId() == null || issueId == null) {
			return;
		}
		String actor = TriggerSupport.text(event.data(), "requested_by");
		this.transactions.executeWithoutResult(status -> {
			if (!this.processed.markApplied(CONSUMER, event.id())) {
				return;
			}
			List<String> live = this.jdbc.queryForList("""
					select id from run where workspace_id = ? and issue_id = ? and status in ('PENDING', 'RUNNING')
					""", String.class, event.workspaceId(), issueId);
			live.forEach(runId -> this.runs.cancel(event.workspaceId(), runId, actor, "Stopped from its issue"));
		});
	}

	private static String prompt(JsonNode data) {
		String identifier = TriggerSupport.text(data, "identifier");
		String title = TriggerSupport.text(data, "title");
		String priority = TriggerSupport.text(data, "priority");
		String description = TriggerSupport.text(data, "description");
		StringBuilder prompt = new StringBuilder("Work on issue ")
			.append((identifier != null) ? identifier : TriggerSupport.text(data, "issue_id"));
		if (title != null) {
			prompt.append(": ").append(PromptFence.truncate(title.replace('\n', ' '), 500));
		}
		prompt.append('\n');
		if (priority != null) {
			prompt.append("Priority: ").append(priority).append('\n');
		}
		if (description != null && !description.isBlank()) {
			prompt.append('\n').append(PromptFence.fence("issue description", null, description));
		}
		return prompt.toString();
	}

}
