package crewship.issue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbox as its feeds fill it and people work it: a guided hire's approval, a trusted
 * hire's notice, crew escalations and Keeper escalations arrive from crew-service's and
 * the vault's events (once each, however often delivered), mentions from comments; each
 * person sees what is addressed to everyone, to them, or to a role they hold or outrank,
 * with their own read state; sources resolve their items for everyone; every 2xx body
 * matches the reference schema (the test clients validate).
 */
class InboxTests extends IssueTestSupport {

	static final String VAULT_TOPIC = Topics.domain("vault");

	private String inbox(String path) {
		return ws("/api/v1/inbox" + path);
	}

	/**
	 * Publishes an event with its acting user, as the producing service's relay would.
	 */
	private EventEnvelope event(String topic, String type, String subject, String actor, Map<String, Object> data) {
		return event(topic, subject, type, subject, actor, data);
	}

	private EventEnvelope event(String topic, String key, String type, String subject, String actor,
			Map<String, Object> data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, this.workspaceId, subject, actor, Timestamps.now(),
				this.json.valueToTree(data));
		this.kafka.send(topic, key, this.json.writeValueAsString(event)).join();
		return event;
	}

	private EventEnvelope hired(String agentId, String crewId, String status, String decision) {
		return hired(agentId, agentId, crewId, status, decision);
	}

	/**
	 * {@code agent.hired} as crew-service publishes it, sent under the given record key.
	 */
	private EventEnvelope hired(String key, String agentId, String crewId, String status, String decision) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", agentId);
		data.put("crew_id", crewId);
		data.put("name", "Backend Dev");
		data.put("slug", "backend-dev-eph-1a2b3c");
		data.put("status", status);
		data.put("ephemeral", true);
		data.put("agent_role", "AGENT");
		data.put("decision", decision);
		data.put("template_slug", "backend-dev");
		data.put("expires_at", "2030-01-01T00:00:00Z");
		data.put("hire_reason", "[2030-01-01T00:00:00Z] hire: Spike on the flaky deploy");
		if (!decision.equals("auto_log_journal")) {
			data.put("inbox_item_id", Cuid.next()); // the id crew-service's answer named
		}
		return event(CREW_TOPIC, key, "agent.hired", agentId, this.ownerId, data);
	}

	/** The caller's items of that source, once the feed wrote one. */
	private JsonNode awaitItem(TestHttp who, String sourceId) {
		JsonNode[] found = new JsonNode[1];
		await("inbox item for " + sourceId, () -> {
			for (JsonNode row : who.get(inbox("")).json().get("rows")) {
				if (sourceId.equals(row.get("source_id").asString())) {
					found[0] = row;
					return true;
				}
			}
			return false;
		});
		return found[0];
	}

	private static boolean sees(TestHttp who, String path, String itemId) {
		return who.get(path).json().get("rows").valueStream().anyMatch(row -> row.get("id").asString().equals(itemId));
	}

	private int unread(TestHttp who) {
		return who.get(inbox("/count")).json().get("unread_count").asInt();
	}

	@Test
	void aGuidedHireWaitsForAManagerUntilItIsApproved() {
		Crew crew = crew("HIR");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		String agentId = Cuid.next();
		EventEnvelope hire = hired(agentId, crew.id(), "PENDING_REVIEW", "queue_for_approval");

		JsonNode item = awaitItem(this.owner, agentId);
		assertThat(item.get("kind").asString()).isEqualTo("waitpoint");
		assertThat(item.get("blocking").asBoolean()).isTrue();
		assertThat(item.get("state").asString()).isEqualTo("unread");
		assertThat(item.get("priority").asString()).isEqualTo("high");
		assertThat(item.get("target_role").asString()).isEqualTo("MANAGER");
		assertThat(item.get("title").asString()).contains("Approve hire: Backend Dev").contains("in Crew crew-");
		assertThat(item.get("body_md").asString()).contains("Spike on the flaky deploy");
		assertThat(item.get("sender_type").asString()).isEqualTo("user");
		assertThat(item.get("sender_name").asString()).isEqualTo("Ada Owner");
		assertThat(item.get("payload").get("resolve_endpoint").asString())
			.isEqualTo("/api/v1/agents/" + agentId + "/approve-hire");
		assertThat(item.has("resolved_at")).isFalse();
		String itemId = item.get("id").asString();
		assertThat(itemId).as("the id the hire's answer named").isEqualTo(hire.data().get("inbox_item_id").asString());
		assertThat(sees(manager, inbox(""), itemId)).isTrue();
		assertThat(sees(member, inbox(""), itemId)).as("addressed to MANAGER and above").isFalse();
		assertThat(member.get(inbox("/" + itemId)).status()).isEqualTo(404);

		// a redelivery of the same event, and the same hire announced again, add nothing
		this.kafka.send(CREW_TOPIC, agentId, this.json.writeValueAsString(hire)).join();
		hired(agentId, crew.id(), "PENDING_REVIEW", "queue_for_approval");

		// source-managed: the inbox may mark it read, not resolve it
		Response resolve = patch(this.owner, inbox("/" + itemId), "{\"state\":\"resolved\"}");
		assertProblem(resolve, 409, "source endpoint");
		assertThat(resolve.json().get("kind").asString()).isEqualTo("waitpoint");
		int before = unread(manager);
		Response read = patch(this.owner, inbox("/" + itemId), "{\"state\":\"read\"}");
		assertThat(read.json().get("state").asString()).isEqualTo("read");
		assertThat(this.owner.get(inbox("/" + itemId)).json().has("read_at")).isTrue();
		assertThat(unread(manager)).as("the owner's read is the owner's").isEqualTo(before);

		event(CREW_TOPIC, "agent.hire_approved", agentId, this.ownerId,
				Map.of("id", agentId, "crew_id", crew.id(), "status", "IDLE"));
		await("approval resolves the item",
				() -> "resolved".equals(manager.get(inbox("/" + itemId)).json().get("state").asString()));
		JsonNode resolved = manager.get(inbox("/" + itemId)).json();
		assertThat(resolved.get("resolved_action").asString()).isEqualTo("approved");
		assertThat(resolved.get("resolved_by_user_id").asString()).isEqualTo(this.ownerId);
		assertThat(unread(manager)).isEqualTo(before - 1);
		assertThat(this.owner.get(inbox("?state=unread")).json().get("rows").size()).isZero();
		assertThat(this.owner.get(inbox("")).json().get("rows").size()).as("one item for the hire").isEqualTo(1);

		List<String> types = types(events(itemId, 3));
		assertThat(types).containsOnly("inbox.updated");
		assertThat(events(itemId, 3)).allSatisfy(e -> assertThat(EventContractTests.DATA_KEYS.get("inbox.updated"))
			.contains(new TreeSet<>(e.get("data").propertyNames())));
		List<String> states = events(itemId, 3).stream().map(e -> e.get("data").get("state").asString()).toList();
		assertThat(states).containsExactly("unread", "read", "resolved");
	}

	@Test
	void aTrustedHireLeavesANoticeEachPersonReadsOnTheirOwn() {
		Crew crew = crew("TRU");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		String agentId = Cuid.next();
		String full = Cuid.next();
		// a full-autonomy hire first, on the same partition: once the trusted one's item
		// is
		// there, the full one was handled too
		hired(agentId, full, crew.id(), "IDLE", "auto_log_journal");
		hired(agentId, crew.id(), "IDLE", "auto_with_inbox");
		JsonNode notice = awaitItem(manager, agentId);
		assertThat(notice.get("kind").asString()).isEqualTo("message");
		assertThat(notice.get("blocking").asBoolean()).isFalse();
		String id = notice.get("id").asString();

		assertThat(patch(manager, inbox("/" + id), "{\"state\":\"resolved\",\"resolved_action\":\"dismissed\"}").json()
			.get("state")
			.asString()).isEqualTo("resolved");
		assertThat(manager.get(inbox("/" + id)).json().get("resolved_action").asString()).isEqualTo("dismissed");
		assertThat(this.owner.get(inbox("/" + id)).json().get("state").asString()).isEqualTo("unread");
		assertThat(sees(manager, inbox("?state=active"), id)).isFalse();
		assertThat(sees(this.owner, inbox("?state=active"), id)).isTrue();
		assertThat(patch(manager, inbox("/" + id), "{\"state\":\"unread\"}").json().get("state").asString())
			.isEqualTo("unread");
		assertThat(manager.get(inbox("/" + id)).json().has("resolved_at")).isFalse();
		// full autonomy: journal only
		assertThat(this.owner.get(inbox(""))
			.json()
			.get("rows")
			.valueStream()
			.noneMatch(row -> row.get("source_id").asString().equals(full))).isTrue();
	}

	@Test
	void escalationsAndKeeperRequestsWaitForTheRightPeopleUntilTheirSourceSettles() {
		Crew crew = crew("ESC");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		TestHttp admin = newMember(WorkspaceRole.ADMIN);
		String escalationId = Cuid.next();
		event(CREW_TOPIC, "escalation.created", escalationId, null, Map.of("id", escalationId, "crew_id", crew.id(),
				"from_slug", "lead-x", "reason", "Deploy to production?\nThe tests are green."));
		JsonNode escalation = awaitItem(manager, escalationId);
		assertThat(escalation.get("kind").asString()).isEqualTo("escalation");
		assertThat(escalation.get("title").asString()).isEqualTo("lead-x escalated: Deploy to production?");
		assertThat(escalation.get("sender_name").asString()).isEqualTo("lead-x");

		Map<String, Object> keeper = new LinkedHashMap<>();
		keeper.put("request_id", "kpr_" + Cuid.next());
		keeper.put("request_type", "credential");
		keeper.put("agent_name", "Backend Dev");
		keeper.put("credential_name", "prod-db");
		keeper.put("intent", "run the migration");
		keeper.put("decision", "ESCALATE");
		keeper.put("reason", "Critical (L4) credential: the hard gate sends it to a human");
		keeper.put("risk_score", 10);
		keeper.put("decided_at", "2030-01-01T00:00:00Z");
		String requestId = (String) keeper.get("request_id");
		event(VAULT_TOPIC, "keeper_event", requestId, "keeper", keeper);
		JsonNode request = awaitItem(admin, requestId);
		assertThat(request.get("priority").asString()).isEqualTo("urgent");
		assertThat(request.get("target_role").asString()).isEqualTo("ADMIN");
		assertThat(request.get("sender_name").asString()).isEqualTo("Backend Dev");
		assertThat(request.get("title").asString()).isEqualTo("Keeper: Backend Dev asks for prod-db");
		assertThat(sees(manager, inbox(""), request.get("id").asString())).as("ADMINs settle Keeper requests")
			.isFalse();
		assertThat(sees(this.owner, inbox("?kind=escalation"), request.get("id").asString())).isTrue();

		keeper.put("decision", "DENY");
		keeper.put("reason", "resolved by an operator");
		event(VAULT_TOPIC, "keeper_event", requestId, this.ownerId, keeper);
		event(CREW_TOPIC, "escalation.resolved", escalationId, this.ownerId,
				Map.of("id", escalationId, "crew_id", crew.id(), "from_slug", "lead-x", "action", "approve"));
		await("both settled", () -> admin.get(inbox("?state=resolved")).json().get("rows").size() == 2);
		assertThat(admin.get(inbox("/" + request.get("id").asString())).json().get("resolved_action").asString())
			.isEqualTo("rejected");
		assertThat(admin.get(inbox("/" + escalation.get("id").asString())).json().get("resolved_action").asString())
			.isEqualTo("approved");
	}

	@Test
	void aCommentNotifiesTheMembersItMentionsOnly() {
		Crew crew = crew("MEN");
		String bob = newMemberId(WorkspaceRole.MEMBER);
		String carol = newMemberId(WorkspaceRole.VIEWER);
		String stranger = Cuid.next();
		JsonNode issue = issue(crew, "Flaky deploy", "");
		Response comment = this.owner.postJson(
				ws("/api/v1/crews/" + crew.id() + "/issues/" + issue.get("identifier").asString() + "/comments"),
				"{\"body\":\"@[Bob](user:" + bob + ") and @" + carol + " please look; not @" + stranger + ", not me @"
						+ this.ownerId + ", and email x@" + bob + "\"}");
		assertThat(comment.status()).as(comment.body()).isEqualTo(201);
		String commentId = comment.json().get("id").asString();

		JsonNode forBob = as(bob).get(inbox("")).json().get("rows").get(0);
		assertThat(forBob.get("source_id").asString()).isEqualTo(commentId);
		assertThat(forBob.get("target_user_id").asString()).isEqualTo(bob);
		assertThat(forBob.get("title").asString())
			.isEqualTo("Ada Owner mentioned you on " + issue.get("identifier").asString() + ": Flaky deploy");
		assertThat(forBob.get("payload").get("identifier").asString()).isEqualTo(issue.get("identifier").asString());
		assertThat(as(carol).get(inbox("/count")).json().get("unread_count").asInt()).isEqualTo(1);
		assertThat(sees(as(carol), inbox(""), forBob.get("id").asString())).as("Bob's item is Bob's").isFalse();
		assertThat(this.owner.get(inbox("")).json().get("rows").size()).as("no item for the author").isZero();
	}

	@Test
	void bulkSkipsWhatItMayNotTouchAndCountsWhatItCannotSee() {
		Crew crew = crew("BLK");
		String bob = newMemberId(WorkspaceRole.MANAGER);
		String message = Cuid.next();
		String waitpoint = Cuid.next();
		hired(message, crew.id(), "IDLE", "auto_with_inbox");
		hired(waitpoint, crew.id(), "PENDING_REVIEW", "queue_for_approval");
		TestHttp asBob = as(bob);
		String messageItem = awaitItem(asBob, message).get("id").asString();
		String waitpointItem = awaitItem(asBob, waitpoint).get("id").asString();
		JsonNode issue = issue(crew, "Mention", "");
		this.owner.postJson(
				ws("/api/v1/crews/" + crew.id() + "/issues/" + issue.get("identifier").asString() + "/comments"),
				"{\"body\":\"@" + bob + "\"}");
		String mentionItem = awaitItem(asBob, this.jdbc.queryForObject(
				"select id from issue_comment where issue_id = ?", String.class, issue.get("id").asString()))
			.get("id")
			.asString();

		Response bulk = asBob.postJson(inbox("/bulk"), "{\"ids\":[\"" + messageItem + "\",\"" + waitpointItem + "\",\""
				+ mentionItem + "\",\"" + mentionItem + "\",\"\",\"" + Cuid.next() + "\"],\"state\":\"resolved\"}");
		assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
		JsonNode result = bulk.json();
		assertThat(result.get("updated").asInt()).isEqualTo(2);
		assertThat(result.get("skipped").asInt()).isEqualTo(1);
		assertThat(result.get("skipped_ids").get(0).asString()).isEqualTo(waitpointItem);
		assertThat(result.get("not_found").asInt()).isEqualTo(1);
		assertThat(result.get("state").asString()).isEqualTo("resolved");
		// the owner cannot see Bob's mention: it is not found for them, not flipped
		JsonNode asOwner = this.owner.postJson(inbox("/bulk"), "{\"ids\":[\"" + mentionItem + "\"],\"state\":\"read\"}")
			.json();
		assertThat(asOwner.get("not_found").asInt()).isEqualTo(1);
		assertThat(asOwner.get("updated").asInt()).isZero();
		assertThat(asBob.get(inbox("/" + mentionItem)).json().get("state").asString()).isEqualTo("resolved");

		List<JsonNode> batch = events(this.workspaceId, 1);
		assertThat(batch.get(0).get("type").asString()).isEqualTo("inbox.updated");
		assertThat(batch.get(0).get("data").get("bulk").asString()).isEqualTo("true");

		assertProblem(asBob.postJson(inbox("/bulk"), "{\"ids\":[],\"state\":\"read\"}"), 400, "ids required");
		assertProblem(asBob.postJson(inbox("/bulk"), "{\"ids\":[\"x\"],\"state\":\"done\"}"), 400,
				"state must be unread|read|resolved");
		StringBuilder many = new StringBuilder("{\"state\":\"read\",\"ids\":[");
		for (int i = 0; i < 501; i++) {
			many.append(i > 0 ? "," : "").append("\"id").append(i).append('"');
		}
		assertProblem(asBob.postJson(inbox("/bulk"), many.append("]}").toString()), 400, "too many ids");
	}

	@Test
	void listsAreBoundedAndFilteredAndBadInputIsRefused() {
		Crew crew = crew("LST");
		for (int i = 0; i < 3; i++) {
			hired(Cuid.next(), crew.id(), "IDLE", "auto_with_inbox");
		}
		await("three notices", () -> this.owner.get(inbox("")).json().get("count").asInt() == 3);
		JsonNode limited = this.owner.get(inbox("?limit=2")).json();
		assertThat(limited.get("rows").size()).isEqualTo(2);
		assertThat(limited.get("count").asInt()).isEqualTo(2);
		assertThat(limited.get("unread_count").asInt()).isEqualTo(3);
		assertThat(this.owner.get(inbox("?limit=100000")).status()).as("capped, not refused").isEqualTo(200);
		assertThat(this.owner.get(inbox("?kind=waitpoint")).json().get("rows").size()).isZero();
		assertThat(this.owner.get(inbox("?state=")).json().get("rows").size()).isEqualTo(3);
		assertProblem(this.owner.get(inbox("?state=archived")), 400, "invalid state");
		assertProblem(this.owner.get(inbox("?limit=lots")), 400, "limit");
		assertProblem(this.owner.get("/api/v1/inbox"), 400, "workspace");
		assertThat(as(Cuid.next()).get(inbox("/count")).status()).as("not a member").isEqualTo(404);
		assertProblem(patch(this.owner, inbox("/" + Cuid.next()), "{\"state\":\"read\"}"), 404, "No inbox item");
		String id = this.owner.get(inbox("")).json().get("rows").get(0).get("id").asString();
		assertProblem(patch(this.owner, inbox("/" + id), "{\"state\":\"archived\"}"), 400, "state must be");
	}

	@Test
	void onlyOwnersAndAdminsPurgeTheWorkspacesItems() {
		Crew crew = crew("PRG");
		String message = Cuid.next();
		String waitpoint = Cuid.next();
		hired(message, crew.id(), "IDLE", "auto_with_inbox");
		hired(waitpoint, crew.id(), "PENDING_REVIEW", "queue_for_approval");
		awaitItem(this.owner, message);
		awaitItem(this.owner, waitpoint);
		assertThat(newMember(WorkspaceRole.MANAGER).delete(inbox("")).status()).isEqualTo(403);
		assertProblem(this.owner.delete(inbox("?kind=everything")), 400, "kind must be one of");
		TestHttp admin = newMember(WorkspaceRole.ADMIN);
		assertThat(admin.delete(inbox("?kind=message")).json().get("deleted").asInt()).isEqualTo(1);
		assertThat(this.owner.get(inbox("")).json().get("rows").get(0).get("kind").asString()).isEqualTo("waitpoint");
		assertThat(admin.delete(inbox("")).json().get("deleted").asInt()).isEqualTo(1);
		assertThat(this.owner.get(inbox("/count")).json().get("unread_count").asInt()).isZero();
		assertThat(admin.delete(inbox("")).json().get("deleted").asInt()).isZero();
		List<JsonNode> purges = events(this.workspaceId, 2);
		assertThat(purges).allSatisfy(event -> assertThat(event.get("data").get("purge").asString()).isEqualTo("true"));
	}

}
