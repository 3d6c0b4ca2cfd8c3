package crewship.issue.attachments;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

import crewship.issue.directory.People;
import crewship.issue.issues.Issue;
import crewship.issue.issues.IssueService;
import crewship.issue.workspace.Changes;
import crewship.issue.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * Files attached to an issue, kept in this service's database by content (one copy of the
 * bytes per workspace and digest). Bounded in size and in number per issue (413), typed
 * by an extension allowlist (415). The same bytes under the same name on the same issue
 * are the same attachment (200, not a second row), so a retry is safe.
 */
@Service
public class Attachments {

	private final JdbcTemplate jdbc;

	private final IssueService issues;

	private final Blobs blobs;

	private final Changes changes;

	private final People people;

	private final AttachmentSettings settings;

	private final TransactionTemplate transactions;

	Attachments(JdbcTemplate jdbc, IssueService issues, Blobs blobs, Changes changes, People people,
			AttachmentSettings settings, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.issues = issues;
		this.blobs = blobs;
		this.changes = changes;
		this.people = people;
		this.settings = settings;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** The attachment shape of the page. */
	record AttachmentView(String id, String workspaceId, String ownerType, String ownerId, String filename,
			String contentType, long sizeBytes, String sha256, String uploadedByUserId, String uploadedByAgentId,
			String uploadedByName, Instant createdAt) {
	}

	/** An upload's record and whether it was new (201) or already there (200). */
	record Stored(AttachmentView attachment, boolean created) {
	}

	/** What a download serves. */
	record Download(String filename, String contentType, long size, String workspaceId, String sha256) {
	}

	@Transactional(readOnly = true)
	List<AttachmentView> list(Scope scope, String crewRef, String identifier) {
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		return this.jdbc.query("select * from attachment where issue_id = ? order by created_at desc, id desc limit ?",
				(rs, n) -> view(scope, rs), issue.id(), this.settings.maxCount());
	}

	Stored upload(Scope scope, String crewRef, String identifier, MultipartFile file) {
		if (file == null) {
			throw ProblemException.badRequest("The multipart form needs a 'file' part");
		}
		String filename = FileTypes.sanitize(file.getOriginalFilename());
		if (filename.isEmpty()) {
			throw ProblemException.badRequest("The file's name is empty once made safe");
		}
		String contentType = FileTypes.contentType(filename).orElseThrow(() -> {
			ProblemException refused = new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"." + FileTypes.extension(filename) + " files cannot be attached; allowed: "
							+ String.join(", ", FileTypes.ALLOWED.keySet()));
			refused.getBody().setProperty("allowed", List.copyOf(FileTypes.ALLOWED.keySet()));
			return refused;
		});
		if (file.getSize() > this.settings.maxBytes()) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"A file is at most " + this.settings.maxBytes() + " bytes");
		}
		byte[] content;
		try {
			content = file.getBytes();
		}
		catch (IOException ex) {
			throw ProblemException.badRequest("The file part could not be read");
		}
		if (!FileTypes.contentMatches(filename, content)) {
			throw new ProblemException(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"The content is not a ." + FileTypes.extension(filename) + " file");
		}
		String digest = sha256(content);
		return this.transactions.execute(status -> {
			// the issue's row lock orders uploads to one issue: the count check holds
			Issue issue = this.issues.lock(scope, crewRef, identifier);
			Optional<AttachmentView> existing = this.jdbc
				.query("select * from attachment where issue_id = ? and sha256 = ? and filename = ?",
						(rs, n) -> view(scope, rs), issue.id(), digest, filename)
				.stream()
				.findFirst();
			if (existing.isPresent()) {
				return new Stored(existing.get(), false);
			}
			Integer count = this.jdbc.queryForObject("select count(*) from attachment where issue_id = ?",
					Integer.class, issue.id());
			if (count != null && count >= this.settings.maxCount()) {
				throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
						"An issue holds at most " + this.settings.maxCount() + " attachments");
			}
			this.blobs.store(scope.workspaceId(), digest, content);
			String id = Cuid.next();
			this.jdbc.update("""
					insert into attachment (id, workspace_id, issue_id, filename, content_type, size_bytes, sha256,
					    uploaded_by_user_id, created_at)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?)
					""", id, scope.workspaceId(), issue.id(), filename, contentType, content.length, digest,
					scope.userId(), Timestamp.from(Timestamps.now()));
			changed(scope, issue, "attachment_added", id);
			return new Stored(find(scope, issue.id(), id).orElseThrow(), true);
		});
	}

	@Transactional(readOnly = true)
	Download download(Scope scope, String crewRef, String identifier, String attachmentId) {
		Issue issue = this.issues.locate(scope, crewRef, identifier);
		AttachmentView found = find(scope, issue.id(), attachmentId)
			.orElseThrow(() -> ProblemException.notFound("Attachment not found"));
		return new Download(found.filename(), found.contentType(), found.sizeBytes(), scope.workspaceId(),
				found.sha256());
	}

	/** Copies the stored bytes to the response, from the database row's stream. */
	void copy(Download download, OutputStream out) {
		this.jdbc.query("select content from attachment_blob where workspace_id = ? and sha256 = ?", (ResultSet rs) -> {
			try (InputStream in = rs.getBinaryStream(1)) {
				in.transferTo(out);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, download.workspaceId(), download.sha256());
	}

	@Transactional
	void delete(Scope scope, String crewRef, String identifier, String attachmentId) {
		Issue issue = this.issues.lock(scope, crewRef, identifier);
		AttachmentView found = find(scope, issue.id(), attachmentId)
			.orElseThrow(() -> ProblemException.notFound("Attachment not found"));
		this.jdbc.update("delete from attachment where id = ?", attachmentId);
		this.blobs.release(scope.workspaceId(), found.sha256());
		changed(scope, issue, "attachment_removed", attachmentId);
	}

	private Optional<AttachmentView> find(Scope scope, String issueId, String attachmentId) {
		return this.jdbc
			.query("select * from attachment where id = ? and issue_id = ?", (rs, n) -> view(scope, rs), attachmentId,
					issueId)
			.stream()
			.findFirst();
	}

	private void changed(Scope scope, Issue issue, String change, String attachmentId) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", issue.id());
		data.put("identifier", issue.identifier());
		data.put("crew_id", issue.crewId());
		data.put("change", change);
		data.put("attachment_id", attachmentId);
		this.changes.record("issue.updated", scope.workspaceId(), "issue", issue.id(), scope.userId(), data);
	}

	private AttachmentView view(Scope scope, ResultSet rs) throws SQLException {
		String uploader = rs.getString("uploaded_by_user_id");
		return new AttachmentView(rs.getString("id"), rs.getString("workspace_id"), "issue", rs.getString("issue_id"),
				rs.getString("filename"), rs.getString("content_type"), rs.getLong("size_bytes"),
				rs.getString("sha256"), uploader, null, this.people.name(scope.workspaceId(), People.USER, uploader),
				rs.getTimestamp("created_at").toInstant());
	}

	static String sha256(byte[] content) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
