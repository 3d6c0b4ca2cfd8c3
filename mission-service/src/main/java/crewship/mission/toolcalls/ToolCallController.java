package crewship.mission.toolcalls;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.journal.Scopes;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/mcp-tool-calls}: the audit trail, for those who may read the audit
 * log (OWNER/ADMIN); filters {@code agent_id}, {@code server_id}, {@code status},
 * {@code since}, {@code until}; newest first, {@code limit} 1–100 (default 50).
 */
@RestController
class ToolCallController {

	private final Scopes scopes;

	private final ToolCallAudit audit;

	ToolCallController(Scopes scopes, ToolCallAudit audit) {
		this.scopes = scopes;
		this.audit = audit;
	}

	@GetMapping("/api/v1/mcp-tool-calls")
	List<Map<String, Object>> list(IdentityAssertion caller, HttpServletRequest request,
			@RequestParam(name = "agent_id", required = false) String agentId,
			@RequestParam(name = "server_id", required = false) String serverId,
			@RequestParam(required = false) String status, @RequestParam(required = false) String since,
			@RequestParam(required = false) String until, @PageParams.Defaults(limit = 50) PageParams page) {
		String workspaceId = this.scopes.require(caller, request, Action.MANAGE);
		if (status != null && !status.isBlank() && !ToolCallAudit.STATUSES.contains(status)) {
			throw ProblemException.badRequest("status must be one of " + ToolCallAudit.STATUSES);
		}
		return this.audit.list(workspaceId, blank(agentId), blank(serverId), blank(status), time("since", since),
				time("until", until), page.limit());
	}

	private static String blank(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	private static Instant time(String name, String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.trim()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw ProblemException.badRequest(name + " must be an RFC 3339 time");
		}
	}

}
