package crewship.issue.attachments;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import crewship.issue.attachments.Attachments.AttachmentView;
import crewship.issue.attachments.Attachments.Download;
import crewship.issue.attachments.Attachments.Stored;
import crewship.issue.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/** {@code /api/v1/crews/{crewId}/issues/{identifier}/attachments/**}. */
@RestController
class AttachmentController {

	private static final String BASE = "/api/v1/crews/{crewId}/issues/{identifier}/attachments";

	private final Attachments attachments;

	private final WorkspaceScope scopes;

	AttachmentController(Attachments attachments, WorkspaceScope scopes) {
		this.attachments = attachments;
		this.scopes = scopes;
	}

	@GetMapping(BASE)
	List<AttachmentView> list(@PathVariable String crewId, @PathVariable String identifier, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.attachments.list(this.scopes.require(caller, request, Action.READ), crewId, identifier);
	}

	@PostMapping(path = BASE, consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	ResponseEntity<AttachmentView> upload(@PathVariable String crewId, @PathVariable String identifier,
			@RequestPart(name = "file", required = false) MultipartFile file, IdentityAssertion caller,
			HttpServletRequest request) {
		Stored stored = this.attachments.upload(this.scopes.require(caller, request, Action.CREATE), crewId, identifier,
				file);
		return ResponseEntity.status(stored.created() ? HttpStatus.CREATED : HttpStatus.OK).body(stored.attachment());
	}

	/**
	 * The bytes as the type the extension decided, never sniffed, always as a download
	 * and sandboxed should a browser render it anyway.
	 */
	@GetMapping(BASE + "/{attachmentId}")
	ResponseEntity<StreamingResponseBody> download(@PathVariable String crewId, @PathVariable String identifier,
			@PathVariable String attachmentId, IdentityAssertion caller, HttpServletRequest request) {
		Download download = this.attachments.download(this.scopes.require(caller, request, Action.READ), crewId,
				identifier, attachmentId);
		boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(download.filename());
		ContentDisposition disposition = ascii ? ContentDisposition.attachment().filename(download.filename()).build()
				: ContentDisposition.attachment().filename(download.filename(), StandardCharsets.UTF_8).build();
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType(download.contentType()))
			.contentLength(download.size())
			.header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
			.header("X-Content-Type-Options", "nosniff")
			.header("Content-Security-Policy", "default-src 'none'; sandbox")
			.cacheControl(CacheControl.noStore())
			.body(out -> this.attachments.copy(download, out));
	}

	@DeleteMapping(BASE + "/{attachmentId}")
	Map<String, Object> delete(@PathVariable String crewId, @PathVariable String identifier,
			@PathVariable String attachmentId, IdentityAssertion caller, HttpServletRequest request) {
		this.attachments.delete(this.scopes.require(caller, request, Action.CREATE), crewId, identifier, attachmentId);
		return Map.of("status", "ok");
	}

}
