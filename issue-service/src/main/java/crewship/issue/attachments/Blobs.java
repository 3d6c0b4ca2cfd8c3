package crewship.issue.attachments;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Attachment bytes, stored once per workspace and SHA-256 digest. A blob row is locked
 * while an attachment is added to or removed from it, so an upload that reuses a blob and
 * a delete that frees it take turns: the bytes go only when nothing references them.
 */
@Component
public class Blobs {

	private final JdbcTemplate jdbc;

	Blobs(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Stores the bytes unless they are there already; locks the blob either way. */
	@Transactional(propagation = Propagation.MANDATORY)
	void store(String workspaceId, String sha256, byte[] content) {
		this.jdbc.update("""
				insert into attachment_blob (workspace_id, sha256, size_bytes, content) values (?, ?, ?, ?)
				on conflict (workspace_id, sha256) do update set size_bytes = attachment_blob.size_bytes
				""", workspaceId, sha256, content.length, content);
	}

	/** Drops the bytes when no attachment of the workspace references them any more. */
	@Transactional(propagation = Propagation.MANDATORY)
	void release(String workspaceId, String sha256) {
		this.jdbc.queryForList("select sha256 from attachment_blob where workspace_id = ? and sha256 = ? for update",
				String.class, workspaceId, sha256);
		this.jdbc.update(
				"""
						delete from attachment_blob b where b.workspace_id = ? and b.sha256 = ?
						   and not exists (select 1 from attachment a where a.workspace_id = b.workspace_id and a.sha256 = b.sha256)
						""",
				workspaceId, sha256);
	}

	/** Removes an issue's attachments (it is being deleted) and frees their bytes. */
	@Transactional(propagation = Propagation.MANDATORY)
	public void releaseIssue(String workspaceId, String issueId) {
		List<String> digests = this.jdbc.queryForList(
				"select distinct sha256 from attachment where issue_id = ? order by sha256", String.class, issueId);
		this.jdbc.update("delete from attachment where issue_id = ?", issueId);
		digests.forEach(digest -> release(workspaceId, digest));
	}

}
