package crewship.issue.codelinks;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.issue.activity.ActivityLog;
import crewship.issue.codelinks.ForgeCredentials.Token;
import crewship.issue.codelinks.Forges.State;
import crewship.issue.issues.Issue;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Pull requests and merge requests attached to an issue. The forge is read before a link
 * is written (a 201 means it was reachable), and again only on an explicit refresh, never
 * in the background. No transaction is held open while a forge is called; a failed
 * refresh keeps the last fetched state and records why on the row.
 */
@Service
class CodeLinks {

	static final int MAX_PER_ISSUE = 100;

	private final JdbcTemplate jdbc;

	private final IssueService issues;

	private final ForgeCredentials credentials;

	private final Forges forges;

	private final ActivityLog activity;

	private final Changes changes;

	private final TransactionTemplate transactions;

	CodeLinks(JdbcTemplate jdbc, IssueService issues, ForgeCredentials credentials, Forges forges, ActivityLog activity,
			Changes changes, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.issues = issues;
		this.credentials = credentials;
		this.forges = forges;
		this.activity = activity;
		this.changes = changes;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** The code-link shape of the page. */
	record CodeLinkView(String id, String workspaceId, String missionId, String provider, String host, String owner,
			String repo, int number, String kind, String url, String title, String state, String author,
			String sourceBranch, String targetBranch, Instant remoteCreatedAt, Instant remoteUpdatedAt,
			Instant remoteMergedAt, Instant remoteClosedAt, String credentialId, Instant lastSyncedAt,
			String lastSyncError) {
	}

	record Attach(String url) {
	}

	List<CodeLinkView> list(Scope scope, String crewRef, String identifier) {
		Issue issue = issue(scope, crewRef, identifier);
		return this.jdbc.query("select * from code_link where issue_id = ? order by created_at, id limit ?",
				(rs, n) -> view(rs), issue.id(), MAX_PER_ISSUE);
	}

	CodeLinkView attach(Scope scope, String crewRef, String identifier, Attach request) {
		Issue issue = issue(scope, crewRef, identifier);
		PullRequestUrl url = PullRequestUrl.parse((request != null) ? request.url() : null);
		if (existing(issue.id(), url).isPresent()) {
			throw alreadyLinked();
		}
		this.forges.requireReachable(url);
		Token token = this.credentials.tokenFor(scope.workspaceId(), url.provider(), url.host());
		State state = this.forges.fetch(url, token);
		return this.transactions.execute(status -> {
			Issue locked = this.issues.lock(scope, crewRef, identifier);
			if (existing(locked.id(), url).isPresent()) {
				throw alreadyLinked();
			}
			Integer count = this.jdbc.queryForObject("select count(*) from code_link where issue_id = ?", Integer.class,
					locked.id());
			if (count != null && count >= MAX_PER_ISSUE) {
				throw ProblemException.conflict("An issue holds at most " + MAX_PER_ISSUE + " code links");
			}
			String id = Cuid.next();
			Timestamp now = Timestamp.from(Timestamps.now());
			this.jdbc.update("""
					insert into code_link (id, workspace_id, issue_id, provider, host, owner, repo, number, kind, url,
					    credential_id, created_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
					""", id, scope.workspaceId(), locked.id(), url.provider(), url.host(), url.owner(), url.repo(),
					url.number(), url.kind(), url.url(), token.credentialId(), now);
			synced(id, token, state);
			this.activity.byUser(locked.id(), scope.userId(), "code_link_added", describe(url));
			changed(scope, locked, "code_link_added", id);
			return find(locked.id(), id).orElseThrow();
		});
	}

	CodeLinkView refresh(Scope scope, String crewRef, String identifier, String linkId) {
		Issue issue = issue(scope, crewRef, identifier);
		CodeLinkView link = find(issue.id(), linkId).orElseThrow(CodeLinks::linkNotFound);
		PullRequestUrl url = PullRequestUrl.parse(link.url());
		try {
			this.forges.requireReachable(url);
			Token token = this.credentials.tokenFor(scope.workspaceId(), url.provider(), url.host());
			State state = this.forges.fetch(url, token);
			return this.transactions.execute(status -> {
				synced(linkId, token, state);
				changed(scope, issue, "code_link_refreshed", linkId);
				return find(issue.id(), linkId).orElseThrow(CodeLinks::linkNotFound);
			});
		}
		catch (ProblemException ex) {
			if (ex.getStatusCode().value() != HttpStatus.SERVICE_UNAVAILABLE.value()) {
				// the previous state stays; the row says why it is stale
				this.transactions.executeWithoutResult(
						status -> this.jdbc.update("update code_link set last_sync_error = ? where id = ?",
								abbreviate(CodeLinkProblem.codeOf(ex)), linkId));
			}
			throw ex;
		}
	}

	void delete(Scope scope, String crewRef, String identifier, String linkId) {
		Issue issue = issue(scope, crewRef, identifier);
		this.transactions.executeWithoutResult(status -> {
			CodeLinkView link = find(issue.id(), linkId).orElseThrow(CodeLinks::linkNotFound);
			this.jdbc.update("delete from code_link where id = ?", linkId);
			this.activity.byUser(issue.id(), scope.userId(), "code_link_removed",
					link.provider() + " " + link.owner() + "/" + link.repo() + "#" + link.number());
			changed(scope, issue, "code_link_removed", linkId);
		});
	}

	private void synced(String linkId, Token token, State state) {
		this.jdbc.update("""
				update code_link set title = ?, state = ?, author = ?, source_branch = ?, target_branch = ?,
				    remote_created_at = ?, remote_updated_at = ?, remote_merged_at = ?, remote_closed_at = ?,
				    credential_id = ?, last_synced_at = ?, last_sync_error = null
				 where id = ?
				""", abbreviate(state.title()), state.state(), state.author(), state.sourceBranch(),
				state.targetBranch(), timestamp(state.createdAt()), timestamp(state.updatedAt()),
				timestamp(state.mergedAt()), timestamp(state.closedAt()), token.credentialId(),
				Timestamp.from(Timestamps.now()), linkId);
	}

	private Issue issue(Scope scope, String crewRef, String identifier) {
		return this.issues.find(scope, crewRef, identifier)
			.orElseThrow(() -> CodeLinkProblem.of(HttpStatus.NOT_FOUND, "issue-not-found",
					"No such issue in this crew and workspace"));
	}

	private Optional<String> existing(String issueId, PullRequestUrl url) {
		return this.jdbc
			.queryForList(
					"""
							select id from code_link where issue_id = ? and provider = ? and host = ? and owner = ? and repo = ? and number = ?
							""",
					String.class, issueId, url.provider(), url.host(), url.owner(), url.repo(), url.number())
			.stream()
			.findFirst();
	}

	private Optional<CodeLinkView> find(String issueId, String linkId) {
		return this.jdbc
			.query("select * from code_link where id = ? and issue_id = ?", (rs, n) -> view(rs), linkId, issueId)
			.stream()
			.findFirst();
	}

	private void changed(Scope scope, Issue issue, String change, String linkId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id());
		data.put("identifier", issue.identifier());
		data.put("crew_id", issue.crewId());
		data.put("change", change);
		data.put("code_link_id", linkId);
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id(), scope.userId(), data);
	}

	private static String describe(PullRequestUrl url) {
		return url.provider() + " " + url.owner() + "/" + url.repo() + "#" + url.number();
	}

	private static ProblemException alreadyLinked() {
		return CodeLinkProblem.of(HttpStatus.CONFLICT, "already-linked",
				"That pull request is already attached to this issue");
	}

	private static ProblemException linkNotFound() {
		return CodeLinkProblem.of(HttpStatus.NOT_FOUND, "link-not-found", "No such link on this issue");
	}

	private static CodeLinkView view(ResultSet rs) throws SQLException {
		return new CodeLinkView(rs.getString("id"), rs.getString("workspace_id"), rs.getString("issue_id"),
				rs.getString("provider"), rs.getString("host"), rs.getString("owner"), rs.getString("repo"),
				rs.getInt("number"), rs.getString("kind"), rs.getString("url"), rs.getString("title"),
				rs.getString("state"), rs.getString("author"), rs.getString("source_branch"),
				rs.getString("target_branch"), instant(rs, "remote_created_at"), instant(rs, "remote_updated_at"),
				instant(rs, "remote_merged_at"), instant(rs, "remote_closed_at"), rs.getString("credential_id"),
				instant(rs, "last_synced_at"), rs.getString("last_sync_error"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp value = rs.getTimestamp(column);
		return (value != null) ? value.toInstant() : null;
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	private static String abbreviate(String text) {
		return (text == null || text.length() <= 1000) ? text : text.substring(0, 1000);
	}

}
