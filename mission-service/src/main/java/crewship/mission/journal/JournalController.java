package crewship.mission.journal;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;

/** The seven operations of {@code journal.mdx}. */
@RestController
class JournalController {

	private final Scopes scopes;

	private final JournalReader reader;

	private final JournalStreams streams;

	private final Lookup lookup;

	private final Spend spend;

	JournalController(Scopes scopes, JournalReader reader, JournalStreams streams, Lookup lookup, Spend spend) {
		this.scopes = scopes;
		this.reader = reader;
		this.streams = streams;
		this.lookup = lookup;
		this.spend = spend;
	}

	@GetMapping("/api/v1/journal")
	Map<String, Object> list(IdentityAssertion caller, HttpServletRequest request,
			@RequestParam(required = false) String cursor, @RequestParam(required = false) String limit) {
		String workspaceId = this.scopes.require(caller, request, Action.READ);
		JournalReader.Page page = this.reader.list(workspaceId, JournalFilter.of(request), cursor, limit(limit, 100));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("entries", page.entries());
		if (page.nextCursor() != null) {
			answer.put("next_cursor", page.nextCursor());
		}
		answer.put("count", page.entries().size());
		return answer;
	}

	@GetMapping(path = "/api/v1/journal/stream")
	ResponseEntity<SseEmitter> stream(IdentityAssertion caller, HttpServletRequest request,
			@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
		String workspaceId = this.scopes.require(caller, request, Action.READ);
		JournalFilter filter = JournalFilter.of(request);
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.header(HttpHeaders.CACHE_CONTROL, "no-cache")
			.header("X-Accel-Buffering", "no")
			.body(this.streams.open(workspaceId, filter, lastEventId));
	}

	@GetMapping("/api/v1/journal/count")
	Map<String, Object> count(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.scopes.require(caller, request, Action.READ);
		return Map.of("total", this.reader.count(workspaceId, JournalFilter.of(request)));
	}

	@GetMapping("/api/v1/journal/lookup")
	Map<String, Object> lookup(IdentityAssertion caller, HttpServletRequest request) {
		return this.lookup.table(this.scopes.require(caller, request, Action.READ));
	}

	@GetMapping("/api/v1/journal/spend")
	Map<String, Object> spend(IdentityAssertion caller, HttpServletRequest request,
			@RequestParam(required = false) String window, @RequestParam(required = false) String top) {
		return this.spend.rollup(this.scopes.require(caller, request, Action.READ), window, top);
	}

	@GetMapping("/api/v1/journal/{id}")
	JournalEntry get(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.scopes.require(caller, request, Action.READ);
		return this.reader.get(workspaceId, id).orElseThrow(() -> ProblemException.notFound("Journal entry not found"));
	}

	@PostMapping("/api/v1/journal/{id}/priority")
	Map<String, Object> priority(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request,
			@RequestBody(required = false) JsonNode body) {
		String workspaceId = this.scopes.require(caller, request, Action.MANAGE);
		JsonNode priority = (body != null) ? body.get("priority") : null;
		if (priority == null || !priority.isString() || !JournalFilter.PRIORITIES.contains(priority.asString())) {
			throw ProblemException.badRequest("priority must be one of " + JournalFilter.PRIORITIES);
		}
		JsonNode reasonNode = body.get("reason");
		String reason = (reasonNode != null && reasonNode.isString()) ? reasonNode.asString() : "";
		if (reason.length() > 1000) {
			throw ProblemException.badRequest("reason is at most 1000 characters");
		}
		return this.reader.prioritise(workspaceId, id, priority.asString(), reason, caller.subject());
	}

	static int limit(String value, int fallback) {
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest("limit must be an integer");
		}
	}

}
