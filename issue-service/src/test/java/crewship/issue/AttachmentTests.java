package crewship.issue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.ReferenceSchemas;
import crewship.platform.testing.TestIdentities;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attachments: stored by content in the database, typed by the extension allowlist (415),
 * bounded in size and in number per issue (413), served with their resolved type as a
 * download that is never sniffed.
 */
class AttachmentTests extends IssueTestSupport {

	private final HttpClient client = HttpClient.newHttpClient();

	/**
	 * A multipart upload with one {@code file} part, as a browser or curl -F sends it.
	 */
	private Upload upload(String userId, String path, String filename, byte[] content) {
		String boundary = "----crewship" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
				+ "\"\r\nContent-Type: text/html\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.writeBytes(content);
		body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.header(IdentityAssertion.HEADER, TestIdentities.session(userId, "s-" + userId))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build();
		try {
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			ReferenceSchemas.shared()
				.assertConforms("POST", path, response.statusCode(),
						response.headers().firstValue("Content-Type").orElse(null), response.body());
			return new Upload(response.statusCode(), response.body(), this.json.readTree(response.body()));
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Upload(int status, String body, JsonNode json) {
	}

	private HttpResponse<byte[]> download(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.header(IdentityAssertion.HEADER, TestIdentities.session(this.ownerId, "s"))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	@Test
	void uploadDownloadListAndDeleteByContent() throws Exception {
		Crew crew = crew("ATT");
		JsonNode issue = issue(crew, "Crash", "");
		issue(crew, "Other", "");
		String base = ws("/api/v1/crews/" + crew.id() + "/issues/ATT-1/attachments");
		byte[] log = "panic: nil pointer\n".getBytes(StandardCharsets.UTF_8);

		Upload first = upload(this.ownerId, base, "../../etc/crash.log", log);
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		assertThat(first.json().get("filename").asString()).isEqualTo("crash.log");
		assertThat(first.json().get("content_type").asString()).isEqualTo("text/plain; charset=utf-8");
		assertThat(first.json().get("size_bytes").asInt()).isEqualTo(log.length);
		assertThat(first.json().get("sha256").asString()).isEqualTo(sha256(log));
		assertThat(first.json().get("owner_id").asString()).isEqualTo(issue.get("id").asString());
		assertThat(first.json().get("uploaded_by_name").asString()).isEqualTo("Ada Owner");
		String id = first.json().get("id").asString();

		// the same bytes under the same name: the same attachment (200); another name: a
		// new one
		Upload again = upload(this.ownerId, base, "crash.log", log);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("id").asString()).isEqualTo(id);
		assertThat(upload(this.ownerId, base, "crash-after-fix.log", log).status()).isEqualTo(201);
		// another issue sharing the bytes: one stored copy
		String otherBase = ws("/api/v1/crews/" + crew.id() + "/issues/ATT-2/attachments");
		String otherId = upload(this.ownerId, otherBase, "crash.log", log).json().get("id").asString();
		assertThat(this.jdbc.queryForObject("select count(*) from attachment_blob where workspace_id = ?",
				Integer.class, this.workspaceId))
			.isEqualTo(1);

		HttpResponse<byte[]> file = download(one(base, id));
		assertThat(file.statusCode()).isEqualTo(200);
		assertThat(file.body()).isEqualTo(log);
		assertThat(file.headers().firstValue("Content-Type")).hasValue("text/plain;charset=utf-8");
		assertThat(file.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(file.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"crash.log\"");
		// through another issue's URL it does not exist
		assertThat(download(one(otherBase, id)).statusCode()).isEqualTo(404);

		JsonNode listed = this.owner.get(base).json();
		assertThat(listed.valueStream().map(a -> a.get("filename").asString())).containsExactly("crash-after-fix.log",
				"crash.log");

		assertProblem(newMember(WorkspaceRole.MEMBER).delete(one(base, id)), 403, "MEMBER");
		assertThat(this.owner.delete(one(base, id)).json().get("status").asString()).isEqualTo("ok");
		// the bytes stay while the other issue (and the other name) reference them
		assertThat(download(one(otherBase, otherId)).body()).isEqualTo(log);
		// deleting the issue frees its attachments; the last reference frees the bytes
		patch(this.owner, ws("/api/v1/crews/" + crew.id() + "/issues/ATT-1"), "{\"status\":\"CANCELLED\"}");
		assertThat(this.owner.delete(ws("/api/v1/crews/" + crew.id() + "/issues/ATT-1")).status()).isEqualTo(204);
		this.owner.delete(one(otherBase, otherId));
		assertThat(this.jdbc.queryForObject("select count(*) from attachment_blob where workspace_id = ?",
				Integer.class, this.workspaceId))
			.isZero();
	}

	@Test
	void typesComeFromTheExtensionAllowlistAndBinaryFormatsMustMatch() throws Exception {
		Crew crew = crew("TYP");
		issue(crew, "Types", "");
		String base = ws("/api/v1/crews/" + crew.id() + "/issues/TYP-1/attachments");
		Upload html = upload(this.ownerId, base, "page.html", "<script>alert(1)</script>".getBytes());
		assertThat(html.status()).isEqualTo(415);
		assertThat(html.json().get("detail").asString()).contains(".html files cannot be attached");
		assertThat(html.json().get("allowed").valueStream().map(JsonNode::asString)).contains("log", "png", "pdf");
		assertThat(upload(this.ownerId, base, "logo.svg", "<svg/>".getBytes()).status()).isEqualTo(415);
		assertThat(upload(this.ownerId, base, "noext", "x".getBytes()).status()).isEqualTo(415);
		// a .png that is not a PNG
		assertThat(upload(this.ownerId, base, "shot.png", "<html>".getBytes()).status()).isEqualTo(415);
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0 };
		Upload image = upload(this.ownerId, base, "shot.png", png);
		assertThat(image.status()).isEqualTo(201);
		HttpResponse<byte[]> served = download(one(base, image.json().get("id").asString()));
		// the uploader said text/html; the extension decided
		assertThat(served.headers().firstValue("Content-Type")).hasValue("image/png");
		assertThat(upload(this.ownerId, base, "  ", "x".getBytes()).status()).isEqualTo(400);
		// a form without its file part, and a broken form, are the page's 400
		assertProblem(
				this.owner.send("POST", base, "multipart/form-data; boundary=b",
						"--b\r\n" + "Content-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"),
				400, "'file' part");
		assertThat(this.owner.send("POST", base, "multipart/form-data; boundary=b", "--b\r\ngarbage").status())
			.isEqualTo(400);
		assertThat(this.owner.send("POST", base, "application/json", "{}").status()).isEqualTo(415);
	}

	@Test
	void sizeAndCountPerIssueAreBounded413() {
		Crew crew = crew("BIG");
		issue(crew, "Big", "");
		String base = ws("/api/v1/crews/" + crew.id() + "/issues/BIG-1/attachments");
		byte[] tooBig = new byte[1_000_001];
		Arrays.fill(tooBig, (byte) 'a');
		Upload big = upload(this.ownerId, base, "big.txt", tooBig);
		assertThat(big.status()).isEqualTo(413);
		assertThat(big.json().get("detail").asString()).contains("at most 1000000 bytes");
		// past the suite's 1 MiB body limit the request is refused before it is read
		assertThat(upload(this.ownerId, base, "huge.txt", new byte[1024 * 1024 + 1]).status()).isEqualTo(413);

		for (int i = 0; i < 20; i++) {
			assertThat(upload(this.ownerId, base, "note-" + i + ".txt", ("n" + i).getBytes()).status()).isEqualTo(201);
		}
		Upload tooMany = upload(this.ownerId, base, "note-20.txt", "n20".getBytes());
		assertThat(tooMany.status()).isEqualTo(413);
		assertThat(tooMany.json().get("detail").asString()).contains("at most 20 attachments");
		// a retry of one already there is still fine
		assertThat(upload(this.ownerId, base, "note-3.txt", "n3".getBytes()).status()).isEqualTo(200);
	}

	/** The path of one attachment, from the list's path. */
	private static String one(String base, String id) {
		return base.replace("/attachments?", "/attachments/" + id + "?");
	}

	private static String sha256(byte[] content) throws Exception {
		return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
	}

}
