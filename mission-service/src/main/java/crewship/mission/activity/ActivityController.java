package crewship.mission.activity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.journal.JournalEntry;
import crewship.mission.journal.JournalReader;
import crewship.mission.journal.Scopes;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/activity} (the seed's cross-crew feed): what happened in the
 * workspace's crews — hires, assignments and their runs, escalations, deployments —
 * newest first, from the journal, with {@code crew_id} and {@code limit} (1–100, default
 * 50). The journal is the feed's one source, so the answer is complete or an error: it
 * names its source and never answers 200 with a part missing.
 */
@RestController
class ActivityController {

	private final Scopes scopes;

	private final JournalReader journal;

	ActivityController(Scopes scopes, JournalReader journal) {
		this.scopes = scopes;
		this.journal = journal;
	}

	@GetMapping("/api/v1/activity")
	Map<String, Object> activity(IdentityAssertion caller, HttpServletRequest request,
			@RequestParam(name = "crew_id", required = false) String crewId,
			@RequestParam(required = false) String limit) {
		String workspaceId = this.scopes.require(caller, request, Action.READ);
		int size = parse(limit);
		List<JournalEntry> items = this.journal.crewActivity(workspaceId,
				(crewId != null && !crewId.isBlank()) ? crewId.trim() : null, size);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("activity", items);
		answer.put("count", items.size());
		answer.put("sources", List.of(Map.of("name", "journal", "ok", true)));
		answer.put("complete", true);
		return answer;
	}

	private static int parse(String limit) {
		if (limit == null || limit.isBlank()) {
			return 50;
		}
		try {
			int value = Integer.parseInt(limit.trim());
			if (value >= 1 && value <= 100) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// the same answer as out of range
		}
		throw ProblemException.badRequest("limit must be between 1 and 100");
	}

}
