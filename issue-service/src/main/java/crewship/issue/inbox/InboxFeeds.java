package crewship.issue.inbox;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.issue.directory.CrewDirectory;
import crewship.issue.directory.Events;
import crewship.issue.inbox.Inbox.NewItem;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What other services' events put in the inbox, and what takes it out again:
 * <ul>
 * <li>crew-service: a {@code guided} hire ({@code agent.hired} in {@code PENDING_REVIEW})
 * is a blocking waitpoint for MANAGERs and above, resolved by {@code agent.hire_approved}
 * (or cancelled by {@code agent.deleted}, lapsed by {@code agent.expired}); a
 * {@code trusted} hire leaves a notice; an escalation ({@code escalation.created}, the
 * websocket page's shape) is a blocking item for MANAGERs and above until
 * {@code escalation.resolved|expired|cancelled};</li>
 * <li>credential-vault-service: a Keeper request its judge escalated
 * ({@code keeper_event} with {@code ESCALATE}) is a blocking item for ADMINs and OWNERs,
 * who settle it, until the request's {@code ALLOW}/{@code DENY} arrives.</li>
 * </ul>
 * Each event is applied once (processed-event mark in the same transaction); an item is
 * unique per source, so a replay finds it instead of writing another.
 */
@Component
class InboxFeeds {

	static final String CONSUMER = "issue.inbox";

	private static final Set<String> TYPES = Set.of("agent.hired", "agent.hire_approved", "agent.deleted",
			"agent.expired", "escalation.created", "escalation.resolved", "escalation.expired", "escalation.cancelled",
			"keeper_event");

	private final Inbox inbox;

	private final CrewDirectory crews;

	private final ProcessedEvents processed;

	private final JsonMapper json;

	private final TransactionTemplate transactions;

	InboxFeeds(Inbox inbox, CrewDirectory crews, ProcessedEvents processed, JsonMapper json,
			PlatformTransactionManager transactionManager) {
		this.inbox = inbox;
		this.crews = crews;
		this.processed = processed;
		this.json = json;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	@KafkaListener(topics = { "crewship.crew.v1", "crewship.vault.v1" }, groupId = "${spring.application.name}.inbox")
	void onEvent(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	/** Applies one event once, in its own transaction with its processed-event mark. */
	void apply(EventEnvelope event) {
		if (event.type() == null || event.workspaceId() == null || !TYPES.contains(event.type())) {
			return;
		}
		this.transactions.executeWithoutResult(status -> {
			if (this.processed.markApplied(CONSUMER, event.id())) {
				route(event);
			}
		});
	}

	private void route(EventEnvelope event) {
		JsonNode data = event.data();
		String workspace = event.workspaceId();
		switch (event.type()) {
			case "agent.hired" -> hired(event);
			case "agent.hire_approved" -> this.inbox.resolveSource(workspace, Inbox.WAITPOINT, Events.text(data, "id"),
					"approved", person(event));
			case "agent.deleted" -> this.inbox.resolveSource(workspace, Inbox.WAITPOINT, Events.text(data, "id"),
					"cancelled", person(event));
			case "agent.expired" ->
				this.inbox.resolveSource(workspace, Inbox.WAITPOINT, Events.text(data, "id"), "expired", null);
			case "escalation.created" -> escalated(event);
			case "escalation.resolved" -> this.inbox.resolveSource(workspace, Inbox.ESCALATION, Events.text(data, "id"),
					decided(Events.text(data, "action")), person(event));
			case "escalation.expired" ->
				this.inbox.resolveSource(workspace, Inbox.ESCALATION, Events.text(data, "id"), "expired", null);
			case "escalation.cancelled" -> this.inbox.resolveSource(workspace, Inbox.ESCALATION,
					Events.text(data, "id"), "cancelled", person(event));
			case "keeper_event" -> keeper(event);
			default -> {
			}
		}
	}

	private void hired(EventEnvelope event) {
		JsonNode data = event.data();
		String agentId = Events.text(data, "id");
		String decision = Events.text(data, "decision");
		boolean pending = "PENDING_REVIEW".equals(Events.text(data, "status"));
		if (agentId == null || (!pending && !"auto_with_inbox".equals(decision))) {
			return; // full autonomy: journal only, no inbox row
		}
		String name = Events.text(data, "name");
		String slug = Events.text(data, "slug");
		String crewId = Events.text(data, "crew_id");
		String crewName = (crewId != null)
				? this.crews.crew(event.workspaceId(), crewId).map(CrewDirectory.Crew::name).orElse(null) : null;
		String who = name + ((slug != null) ? " (" + slug + ")" : "") + ((crewName != null) ? " in " + crewName : "");
		StringBuilder body = new StringBuilder();
		String reason = Events.text(data, "hire_reason");
		if (reason != null) {
			body.append("**Reason:** ").append(reason).append("\n\n");
		}
		body.append("Template `").append(Events.text(data, "template_slug")).append('`');
		if (Events.text(data, "expires_at") != null) {
			body.append(" · expires ").append(Events.text(data, "expires_at"));
		}
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("source", "hire");
		payload.put("agent_id", agentId);
		payload.put("agent_slug", slug);
		payload.put("crew_id", crewId);
		payload.put("template_slug", Events.text(data, "template_slug"));
		payload.put("decision", decision);
		payload.put("expires_at", Events.text(data, "expires_at"));
		if (pending) {
			payload.put("resolve_endpoint", "/api/v1/agents/" + agentId + "/approve-hire");
			body.append("\n\nThe agent waits in PENDING_REVIEW until it is approved.");
		}
		String sender = person(event);
		this.inbox.add(new NewItem(Events.text(data, "inbox_item_id"), event.workspaceId(),
				pending ? Inbox.WAITPOINT : Inbox.MESSAGE, agentId, null, WorkspaceRole.MANAGER.name(),
				(pending ? "Approve hire: " : "Hired: ") + who, body.toString(), (sender != null) ? "user" : null,
				sender, null, pending ? "high" : "normal", pending, payload));
	}

	private void escalated(EventEnvelope event) {
		JsonNode data = event.data();
		String id = Events.text(data, "id");
		if (id == null) {
			return;
		}
		String from = Events.text(data, "from_slug");
		String reason = Events.text(data, "reason");
		String agentId = (from != null)
				? this.crews.agent(event.workspaceId(), from).map(CrewDirectory.Agent::id).orElse(null) : null;
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("source", "escalation");
		payload.put("escalation_id", id);
		payload.put("crew_id", Events.text(data, "crew_id"));
		payload.put("from_slug", from);
		payload.put("reason", reason);
		payload.put("resolve_endpoint", "/api/v1/escalations/" + id + "/resolve");
		this.inbox.add(new NewItem(null, event.workspaceId(), Inbox.ESCALATION, id, null, WorkspaceRole.MANAGER.name(),
				((from != null) ? from : "An agent") + " escalated: " + first(reason, 200), reason, "agent", agentId,
				(agentId == null) ? from : null, "high", true, payload));
	}

	private void keeper(EventEnvelope event) {
		JsonNode data = event.data();
		String requestId = Events.text(data, "request_id");
		String decision = Events.text(data, "decision");
		if (requestId == null || decision == null) {
			return;
		}
		switch (decision) {
			case "ESCALATE" -> {
				String agent = Events.text(data, "agent_name");
				String credential = Events.text(data, "credential_name");
				JsonNode risk = data.get("risk_score");
				Integer riskScore = (risk != null && risk.isNumber()) ? risk.asInt() : null;
				Map<String, Object> payload = new LinkedHashMap<>();
				payload.put("source", "keeper");
				payload.put("request_id", requestId);
				payload.put("request_type", Events.text(data, "request_type"));
				payload.put("agent_name", agent);
				payload.put("credential_name", credential);
				payload.put("intent", Events.text(data, "intent"));
				payload.put("reason", Events.text(data, "reason"));
				payload.put("risk_score", riskScore);
				payload.put("resolve_endpoint", "/api/v1/admin/keeper/requests/" + requestId + "/resolve");
				String body = "**Intent:** " + Events.text(data, "intent") + "\n\n**Why a person decides:** "
						+ Events.text(data, "reason") + ((riskScore != null) ? "\n\nRisk " + riskScore + "/10" : "");
				this.inbox.add(new NewItem(null, event.workspaceId(), Inbox.ESCALATION, requestId, null,
						WorkspaceRole.ADMIN.name(),
						"Keeper: " + ((agent != null) ? agent : "an agent") + " asks for "
								+ ((credential != null) ? credential : "a credential"),
						body, "agent", null, agent, (riskScore != null && riskScore >= 8) ? "urgent" : "high", true,
						payload));
			}
			case "ALLOW", "DENY" -> this.inbox.resolveSource(event.workspaceId(), Inbox.ESCALATION, requestId,
					decision.equals("ALLOW") ? "approved" : "rejected", person(event));
			default -> {
			}
		}
	}

	/** The acting person, when the event's actor is one (not the system or the judge). */
	private static String person(EventEnvelope event) {
		String actor = event.actor();
		return (actor == null || actor.isBlank() || actor.equals("keeper") || actor.equals("internal")
				|| actor.equals("system")) ? null : actor;
	}

	private static String decided(String action) {
		if (action == null) {
			return "resolved";
		}
		return switch (action.toLowerCase(Locale.ROOT)) {
			case "approve" -> "approved";
			case "reject" -> "rejected";
			case "redirect" -> "redirected";
			default -> action.toLowerCase(Locale.ROOT);
		};
	}

	private static String first(String text, int max) {
		if (text == null) {
			return "needs a decision";
		}
		String line = text.strip().lines().findFirst().orElse("");
		return (line.length() <= max) ? line : line.substring(0, max - 1) + "…";
	}

}
