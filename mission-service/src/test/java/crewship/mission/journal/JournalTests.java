package crewship.mission.journal;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.mission.JournalTestSupport;
import crewship.platform.events.EventEnvelope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.ReferenceSchemas;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal as a member sees it: fed from the domain topics, hash-chained, filtered,
 * paged, streamed, and verifiable.
 */
class JournalTests extends JournalTestSupport {

	@Autowired
	Journal journal;

	@Test
	void journalsTheSuitesEventsAndServesThemNewestFirst() {
		String crewId = Cuid.next();
		String agentId = Cuid.next();
		String runId = Cuid.next();
		publish("crew", "crew.created", crewId, map("id", crewId, "name", "Engineering", "slug", "engineering"));
		publish("crew", "agent.hired", agentId,
				map("id", agentId, "crew_id", crewId, "name", "Viktor", "slug", "viktor", "status", "IDLE"));
		publish("issue", "issue.run_requested", "iss1", map("request_id", Cuid.next(), "issue_id", "iss1", "identifier",
				"ENG-1", "crew_id", crewId, "agent_id", agentId, "title", "Fix the build"));
		publish("mission", "run.started", runId, map("id", runId, "agent_id", agentId, "crew_id", crewId, "status",
				"RUNNING", "trigger", "issue", "issue_id", "iss1"));
		EventEnvelope finished = publish("mission", "run.updated", runId,
				map("id", runId, "agent_id", agentId, "crew_id", crewId, "status", "FAILED", "trigger", "issue",
						"issue_id", "iss1", "error", "compiler crashed", "cost_usd", 0.25, "llm_model", "claude-x"));
		publish("auth", "workspace.updated", this.workspaceId, map("id", this.workspaceId, "name", "Acme"));
		journaled(finished);
		await("all journaled", () -> count("") >= 9);

		JsonNode page = this.owner.get(ws("/api/v1/journal?limit=50")).json();
		List<String> types = new ArrayList<>();
		page.get("entries").forEach(entry -> types.add(entry.get("entry_type").asString()));
		assertThat(types).contains("crew.created", "agent.hired", "assignment.created", "run.started",
				"assignment.running", "run.failed", "assignment.failed", "cost.incurred", "workspace.updated");
		assertThat(page.get("count").asInt()).isEqualTo(types.size());
		JsonNode failed = find(page, "run.failed");
		assertThat(failed.get("severity").asString()).isEqualTo("error");
		assertThat(failed.get("trace_id").asString()).isEqualTo(runId);
		assertThat(failed.get("actor_type").asString()).isEqualTo("agent");
		assertThat(failed.get("agent_id").asString()).isEqualTo(agentId);
		assertThat(failed.get("summary").asString()).contains("compiler crashed");
		assertThat(failed.get("priority").asString()).isEqualTo("normal");
		assertThat(failed.get("ts").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

		// filters AND-combine; count agrees with the list (the engine really runs the
		// requested issue too: its own run is journaled for the crew under another trace)
		JsonNode filtered = this.owner
			.get(ws("/api/v1/journal?crew_id=" + crewId + "&trace_id=" + runId
					+ "&entry_type=run.failed,run.started&severity=error"))
			.json();
		assertThat(filtered.get("entries")).hasSize(1);
		assertThat(count("&crew_id=" + crewId + "&trace_id=" + runId + "&entry_type=run.failed,run.started"))
			.isEqualTo(2);
		assertThat(count("&trace_id=" + runId)).isEqualTo(5);
		assertThat(count("&q=COMPILER")).as("run.failed and assignment.failed carry the error").isEqualTo(2);
		assertThat(count("&exclude_entry_type=workspace.updated")).isEqualTo(count("") - 1);

		// cursor pagination walks every entry once (those of the run: the engine's own
		// run
		// of the requested issue may still be adding entries to the workspace meanwhile)
		List<String> walked = new ArrayList<>();
		String cursor = null;
		do {
			JsonNode part = this.owner
				.get(ws("/api/v1/journal?limit=2&trace_id=" + runId + ((cursor != null) ? "&cursor=" + cursor : "")))
				.json();
			part.get("entries").forEach(entry -> walked.add(entry.get("id").asString()));
			cursor = part.has("next_cursor") ? part.get("next_cursor").asString() : null;
		}
		while (cursor != null);
		assertThat(walked).doesNotHaveDuplicates().hasSize((int) count("&trace_id=" + runId)).hasSize(5);

		// one entry, the lookup table, the spend
		Response one = this.owner.get(ws("/api/v1/journal/" + failed.get("id").asString()));
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.json().get("entry_type").asString()).isEqualTo("run.failed");
		JsonNode lookup = this.owner.get(ws("/api/v1/journal/lookup")).json();
		assertThat(lookup.get("crews").get(0).get("name").asString()).isEqualTo("Engineering");
		assertThat(lookup.get("agents").get(0).get("crew_id").asString()).isEqualTo(crewId);
		assertThat(lookup.get("missions").isArray()).isTrue();
		JsonNode spend = this.owner.get(ws("/api/v1/journal/spend?window=7d")).json();
		assertThat(spend.get("total_cost_usd").asDouble()).isEqualTo(0.25);
		assertThat(spend.get("by_agent").get(0).get("agent_id").asString()).isEqualTo(agentId);
		assertThat(spend.get("top_runs").get(0).get("id").asString()).isEqualTo(runId);
		assertThat(spend.get("top_runs").get(0).get("label").asString()).isEqualTo("viktor");
	}

	@Test
	void refusesBadParametersAndOtherWorkspacesEntries() {
		assertThat(this.owner.get(ws("/api/v1/journal?limit=0")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal?limit=501")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal?priority=urgent")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal?since=yesterday")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal?cursor=nonsense")).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal/count?q=" + "x".repeat(201))).status()).isEqualTo(400);
		assertThat(this.owner.get(ws("/api/v1/journal/spend?window=1y")).status()).isEqualTo(400);
		assertThat(this.owner.get("/api/v1/journal").status()).isEqualTo(400);

		String other = Cuid.next();
		EventEnvelope foreign = publishIn("crew", Cuid.next(), "crew.created", other, "c1", map("id", "c1"));
		String foreignId = journaled(foreign);
		assertThat(this.owner.get(ws("/api/v1/journal/" + foreignId)).status()).isEqualTo(404);
	}

	private EventEnvelope publishIn(String producer, String key, String type, String workspaceId, String subject,
			Map<String, ?> data) {
		return publish("crewship." + producer + ".v1", key, type, workspaceId, subject, data);
	}

	@Test
	void aRedeliveredEventIsJournaledOnce() {
		EventEnvelope event = publish("crew", "crew.updated", "c1", map("id", "c1", "name", "Renamed"));
		journaled(event);
		send("crewship.crew.v1", "c1", event);
		send("crewship.crew.v1", "c1", event);
		EventEnvelope after = publish("crew", "crew.updated", "c1", map("id", "c1", "name", "Again"));
		journaled(after);
		assertThat(this.jdbc.queryForObject("select count(*) from journal_entry where event_id = ?", Integer.class,
				event.id()))
			.isEqualTo(1);
		assertThat(count("&entry_type=crew.updated")).isEqualTo(2);
	}

	@Test
	void verificationFindsAnEditedRowAndADeletedOne() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(this.journal.append(entry("local:" + Cuid.next(), "note " + i)).orElseThrow().id());
		}
		JsonNode intact = this.owner.get(ws("/api/v1/admin/journal/verify")).json();
		assertThat(intact.get("intact").asBoolean()).isTrue();
		assertThat(intact.get("checked").asInt()).isEqualTo(5);
		assertThat(newMemberGet(WorkspaceRole.MEMBER, "/api/v1/admin/journal/verify")).isEqualTo(403);

		// the table refuses edits; someone who switches its trigger off is still caught
		assertThat(updateRefused(ids.get(2))).isTrue();
		this.jdbc.execute("begin; set local session_replication_role = replica; "
				+ "update journal_entry set summary = 'nothing to see' where id = '" + ids.get(2) + "'; commit");
		JsonNode edited = this.owner.get(ws("/api/v1/admin/journal/verify")).json();
		assertThat(edited.get("intact").asBoolean()).isFalse();
		assertThat(edited.get("ok").asBoolean()).isFalse();
		assertThat(edited.get("broken_at").asString()).isEqualTo(ids.get(2));
		assertThat(edited.get("broken_seq").asInt()).isEqualTo(3);
		assertThat(edited.get("reason").asString()).contains("modified");

		this.jdbc.execute("begin; set local session_replication_role = replica; "
				+ "delete from journal_entry where id = '" + ids.get(3) + "'; commit");
		JsonNode deleted = this.owner.get(ws("/api/v1/admin/journal/verify")).json();
		List<String> kinds = new ArrayList<>();
		deleted.get("breaks").forEach(b -> kinds.add(b.get("kind").asString() + "@" + b.get("seq").asInt()));
		assertThat(kinds).contains("content@3", "sequence@5", "link@5");
	}

	private boolean updateRefused(String id) {
		try {
			this.jdbc.update("update journal_entry set summary = 'x' where id = ?", id);
			return false;
		}
		catch (RuntimeException ex) {
			return ex.getMessage().contains("append-only");
		}
	}

	private int newMemberGet(WorkspaceRole role, String path) {
		return newMember(role).get(ws(path)).status();
	}

	@Test
	void twoConcurrentAppendersKeepOneChain() throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<Void>> appenders = new ArrayList<>();
		for (int writer = 0; writer < 2; writer++) {
			int w = writer;
			appenders.add(CompletableFuture.runAsync(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				for (int i = 0; i < 40; i++) {
					this.journal.append(entry("w" + w + ":" + Cuid.next(), "writer " + w + " entry " + i));
				}
			}));
		}
		start.countDown();
		CompletableFuture.allOf(appenders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		List<Long> seqs = this.jdbc.queryForList("select seq from journal_entry where workspace_id = ? order by seq",
				Long.class, this.workspaceId);
		assertThat(seqs).hasSize(80);
		assertThat(seqs.get(0)).isEqualTo(1);
		assertThat(seqs.get(79)).isEqualTo(80);
		JsonNode verified = this.owner.get(ws("/api/v1/admin/journal/verify")).json();
		assertThat(verified.get("intact").asBoolean()).as(verified.toString()).isTrue();
		assertThat(verified.get("checked").asInt()).isEqualTo(80);
	}

	@Test
	void anAdminMarksAPriorityAndTheChangeIsJournaled() {
		String id = this.journal.append(entry("local:" + Cuid.next(), "FX compliance constraint")).orElseThrow().id();
		assertThat(newMember(WorkspaceRole.MEMBER)
			.postJson(ws("/api/v1/journal/" + id + "/priority"), "{\"priority\":\"pin\"}")
			.status()).isEqualTo(403);
		assertThat(this.owner.postJson(ws("/api/v1/journal/" + id + "/priority"), "{\"priority\":\"urgent\"}").status())
			.isEqualTo(400);
		Response set = this.owner.postJson(ws("/api/v1/journal/" + id + "/priority"),
				"{\"priority\":\"permanent\",\"reason\":\"keep it\"}");
		assertThat(set.status()).as(set.body()).isEqualTo(200);
		assertThat(set.json().get("previous").asString()).isEqualTo("normal");
		assertThat(set.json().get("priority").asString()).isEqualTo("permanent");
		assertThat(this.owner.get(ws("/api/v1/journal/" + id)).json().get("priority").asString())
			.isEqualTo("permanent");
		JsonNode audit = this.owner.get(ws("/api/v1/journal?entry_type=memory.priority_changed")).json();
		assertThat(audit.get("entries").get(0).get("payload").get("target_entry_id").asString()).isEqualTo(id);
		assertThat(audit.get("entries").get(0).get("actor_id").asString()).isEqualTo(this.ownerId);
		assertThat(count("&priority=permanent")).isEqualTo(1);
		assertThat(this.owner.get(ws("/api/v1/admin/journal/verify")).json().get("intact").asBoolean())
			.as("priority is outside the hash")
			.isTrue();
	}

	@Test
	void theStreamSendsTheRecentEntriesThenNewOnes() throws Exception {
		this.journal.append(entry("local:" + Cuid.next(), "before the stream"));
		HttpClient client = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://localhost:" + this.port
					+ "/api/v1/journal/stream?exclude_entry_type=noise&workspace_id=" + this.workspaceId))
			.header(IdentityAssertion.HEADER, TestIdentities.session(this.ownerId, "s-" + this.ownerId))
			.build();
		HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		LinkedBlockingQueue<String> lines = lines(response);
		assertThat(nextData(lines).get("summary").asString()).isEqualTo("before the stream");
		this.journal.append(new NewEntry("noise:" + Cuid.next(), this.workspaceId, Timestamps.now(), "noise", "info",
				"system", null, null, null, null, null, "filtered out", null, Map.of(), null));
		EventEnvelope live = publish("crew", "crew.created", "c9", map("id", "c9", "name", "Live crew"));
		JsonNode entry = nextData(lines);
		assertThat(entry.get("entry_type").asString()).isEqualTo("crew.created");
		assertThat(entry.get("summary").asString()).contains("Live crew");
		assertThat(entry.get("id").asString()).isEqualTo(entryOf(live));
		response.body().close();
	}

	@Test
	void aReconnectingStreamResumesAfterItsLastEventId() throws Exception {
		String first = this.journal.append(entry("local:" + Cuid.next(), "first")).orElseThrow().id();
		this.journal.append(entry("local:" + Cuid.next(), "second"));
		this.journal.append(entry("local:" + Cuid.next(), "third"));
		HttpRequest request = HttpRequest
			.newBuilder(URI
				.create("http://localhost:" + this.port + "/api/v1/journal/stream?workspace_id=" + this.workspaceId))
			.header(IdentityAssertion.HEADER, TestIdentities.session(this.ownerId, "s-" + this.ownerId))
			.header("Last-Event-ID", first)
			.build();
		HttpResponse<InputStream> response = HttpClient.newHttpClient()
			.send(request, HttpResponse.BodyHandlers.ofInputStream());
		LinkedBlockingQueue<String> lines = lines(response);
		assertThat(nextData(lines).get("summary").asString()).isEqualTo("second");
		assertThat(nextData(lines).get("summary").asString()).isEqualTo("third");
		response.body().close();
	}

	/** The stream's lines as they arrive, read on a daemon thread. */
	private static LinkedBlockingQueue<String> lines(HttpResponse<InputStream> response) {
		LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (Exception ex) {
				// the test closes the stream
			}
		});
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private JsonNode nextData(LinkedBlockingQueue<String> lines) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			String line = lines.poll(1, TimeUnit.SECONDS);
			if (line != null && line.startsWith("data:")) {
				String data = line.substring(5).trim();
				// a frame is an entry: the shape of GET /api/v1/journal/{id}
				ReferenceSchemas.shared().assertConforms("GET", "/api/v1/journal/x", 200, "application/json", data);
				return this.json.readTree(data);
			}
		}
		throw new AssertionError("no entry on the stream");
	}

	private NewEntry entry(String eventId, String summary) {
		return new NewEntry(eventId, this.workspaceId, Timestamps.now(), "note.added", "info", "user", this.ownerId,
				null, null, null, null, summary, this.json.valueToTree(map("text", summary, "n", 1.5)), Map.of(), null);
	}

	private long count(String query) {
		return this.owner.get(ws("/api/v1/journal/count?x=1" + query)).json().get("total").asLong();
	}

	private static JsonNode find(JsonNode page, String type) {
		for (JsonNode entry : page.get("entries")) {
			if (entry.get("entry_type").asString().equals(type)) {
				return entry;
			}
		}
		throw new AssertionError("no " + type + " entry");
	}

}
