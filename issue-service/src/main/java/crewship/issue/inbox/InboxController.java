package crewship.issue.inbox;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.issue.inbox.Inbox.BulkResult;
import crewship.issue.inbox.Inbox.ItemView;
import crewship.issue.inbox.Inbox.ListView;
import crewship.issue.inbox.Inbox.Purged;
import crewship.issue.inbox.Inbox.StateView;
import crewship.issue.inbox.Inbox.UnreadCount;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * The inbox page's six operations. The workspace is the request's ({@code workspace_id}
 * or {@code X-Workspace-ID}); the person is the caller.
 */
@RestController
class InboxController {

	private final Inbox inbox;

	private final WorkspaceScope scopes;

	InboxController(Inbox inbox, WorkspaceScope scopes) {
		this.inbox = inbox;
		this.scopes = scopes;
	}

	record StateChange(String state, String resolvedAction) {
	}

	record BulkChange(List<String> ids, String state, String resolvedAction) {
	}

	@GetMapping("/api/v1/inbox")
	ListView list(@RequestParam(required = false) String state, @RequestParam(required = false) String kind,
			@RequestParam(required = false) String limit, IdentityAssertion caller, HttpServletRequest request) {
		return this.inbox.list(this.scopes.require(caller, request, Action.READ), state, kind, limit);
	}

	@GetMapping("/api/v1/inbox/count")
	UnreadCount count(IdentityAssertion caller, HttpServletRequest request) {
		return this.inbox.count(this.scopes.require(caller, request, Action.READ));
	}

	@GetMapping("/api/v1/inbox/{id}")
	ItemView get(@PathVariable String id, IdentityAssertion caller, HttpServletRequest request) {
		return this.inbox.get(this.scopes.require(caller, request, Action.READ), id);
	}

	@PatchMapping("/api/v1/inbox/{id}")
	StateView patch(@PathVariable String id, @RequestBody StateChange body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.inbox.patch(this.scopes.require(caller, request, Action.READ), id, body.state(),
				body.resolvedAction());
	}

	@PostMapping("/api/v1/inbox/bulk")
	BulkResult bulk(@RequestBody BulkChange body, IdentityAssertion caller, HttpServletRequest request) {
		return this.inbox.bulk(this.scopes.require(caller, request, Action.READ), body.ids(), body.state(),
				body.resolvedAction());
	}

	@DeleteMapping("/api/v1/inbox")
	Purged purge(@RequestParam(required = false) String kind, IdentityAssertion caller, HttpServletRequest request) {
		return this.inbox.purge(this.scopes.require(caller, request, Action.READ), kind);
	}

}
