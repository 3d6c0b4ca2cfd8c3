package crewship.crew;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skills from remote sources, behind the endpoint fence: a URL import against WireMock (a
 * third-party host: allowed by name as {@code localhost}, while {@code 127.0.0.1} and
 * other private addresses stay refused), with its size cap and deadline; and the bulk
 * import of a bare git repository the test creates on disk.
 */
class SkillSourceTests extends CrewTestSupport {

	static WireMockServer host;

	@TempDir
	static Path repositories;

	static String bareRepository;

	TestHttp owner;

	@BeforeAll
	static void start() throws Exception {
		host = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
		host.start();
		bareRepository = repository();
	}

	@AfterAll
	static void stop() {
		host.stop();
	}

	@BeforeEach
	void validating() {
		this.owner = super.owner.validating();
	}

	Response importUrl(String url) {
		return this.owner.postJson("/api/v1/workspaces/" + this.workspaceId + "/skills/import",
				this.json.writeValueAsString(Map.of("url", url)));
	}

	static String local(String path) {
		return "http://localhost:" + host.port() + path;
	}

	@Test
	void aSkillIsImportedFromAUrlAndKeepsItAsItsSource() {
		host.stubFor(get(urlEqualTo("/org/repo/main/SKILL.md")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "text/markdown")
			.withBody(SkillTests.skill("from-the-web", "category: research\n", "Read the web."))));
		Response imported = importUrl(local("/org/repo/main/SKILL.md"));
		assertThat(imported.status()).as(imported.body()).isEqualTo(201);
		assertThat(imported.json().get("slug").asString()).isEqualTo("from-the-web");
		assertThat(imported.json().get("source").asString()).isEqualTo(local("/org/repo/main/SKILL.md"));
		// a redirect on the same host is followed
		host.stubFor(get(urlEqualTo("/moved"))
			.willReturn(aResponse().withStatus(302).withHeader("Location", local("/org/repo/main/SKILL.md"))));
		assertThat(importUrl(local("/moved")).status()).isEqualTo(200);
		host.stubFor(get(urlEqualTo("/gone")).willReturn(aResponse().withStatus(404)));
		assertProblem(importUrl(local("/gone")), 502, "answered 404");
	}

	@Test
	void privateAddressesAreRefusedBeforeAnythingIsDialled() {
		host.stubFor(get(urlEqualTo("/SKILL.md"))
			.willReturn(aResponse().withStatus(200).withBody(SkillTests.skill("internal", "", "x"))));
		int before = host.getAllServeEvents().size();
		assertProblem(importUrl("http://127.0.0.1:" + host.port() + "/SKILL.md"), 400, "private, loopback");
		assertProblem(importUrl("http://169.254.169.254/latest/meta-data/"), 400, "private, loopback");
		assertProblem(importUrl("http://10.1.2.3/SKILL.md"), 400, "private, loopback");
		assertProblem(importUrl("http://[::1]:" + host.port() + "/SKILL.md"), 400, "private, loopback");
		assertProblem(importUrl("file:///etc/passwd"), 400, "only");
		assertProblem(importUrl("http://user:secret@localhost:" + host.port() + "/SKILL.md"), 400, "credentials");
		assertThat(host.getAllServeEvents()).hasSize(before);
		// a redirect to a private address is refused at its hop
		host.stubFor(get(urlEqualTo("/bounce")).willReturn(
				aResponse().withStatus(301).withHeader("Location", "http://127.0.0.1:" + host.port() + "/SKILL.md")));
		assertProblem(importUrl(local("/bounce")), 400, "(redirect)");
		assertThat(SkillTests.slugs(this.owner.get(ws("/api/v1/skills")).json())).doesNotContain("internal");
	}

	@Test
	void anOversizedDocumentIsRefusedWithOrWithoutItsLength() {
		String big = SkillTests.skill("too-big", "", "x".repeat(300 * 1024));
		host.stubFor(get(urlEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody(big)));
		assertProblem(importUrl(local("/big")), 422, "exceeds 256 KB");
		// chunked: no Content-Length to go by, so the read stops at the cap
		host.stubFor(get(urlEqualTo("/big-chunked"))
			.willReturn(aResponse().withStatus(200).withBody(big).withChunkedDribbleDelay(4, 200)));
		assertProblem(importUrl(local("/big-chunked")), 422, "exceeds 256 KB");
	}

	@Test
	void aSlowServerMeetsTheDeadline() {
		host.stubFor(get(urlEqualTo("/slow-headers"))
			.willReturn(aResponse().withStatus(200).withBody(SkillTests.skill("slow", "", "x")).withFixedDelay(6_000)));
		long started = System.nanoTime();
		assertProblem(importUrl(local("/slow-headers")), 502, "timed out after 2 s");
		host.stubFor(get(urlEqualTo("/slow-body")).willReturn(aResponse().withStatus(200)
			.withBody(SkillTests.skill("slow", "", "y".repeat(2000)))
			.withChunkedDribbleDelay(20, 6_000)));
		assertProblem(importUrl(local("/slow-body")), 502, "timed out after 2 s");
		// both ended at their 2 s deadline, not after the server's 6 s
		assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
	}

	@Test
	void everySkillOfAGitRepositoryIsImportedOrSkippedWithItsReason() {
		String path = "/api/v1/workspaces/" + this.workspaceId + "/skills/bulk-import";
		Response dry = this.owner.postJson(path,
				"{\"git_url\":\"" + bareRepository + "\",\"git_ref\":\"main\",\"dry_run\":true}");
		assertThat(dry.status()).as(dry.body()).isEqualTo(200);
		assertThat(dry.json().get("total_found").asInt()).isEqualTo(3);
		assertThat(SkillTests.slugs(this.owner.get(ws("/api/v1/skills")).json())).doesNotContain("alpha", "beta");

		Response bulk = this.owner.postJson(path, "{\"git_url\":\"" + bareRepository + "\",\"git_ref\":\"main\"}");
		assertThat(bulk.status()).as(bulk.body()).isEqualTo(200);
		JsonNode result = bulk.json();
		assertThat(result.get("source").asString()).isEqualTo(bareRepository + "@main");
		assertThat(result.get("total_found").asInt()).isEqualTo(3);
		assertThat(result.get("total_imported").asInt()).isEqualTo(2);
		assertThat(result.get("truncated").asBoolean()).isFalse();
		assertThat(SkillTests.slugs(result.get("imported"))).containsExactlyInAnyOrder("alpha", "beta");
		assertThat(result.get("imported").get(0).get("created").asBoolean()).isTrue();
		assertThat(result.get("skipped")).hasSize(1);
		assertThat(result.get("skipped").get(0).get("path").asString()).isEqualTo("skills/copyleft/SKILL.md");
		assertThat(result.get("skipped").get(0).get("reason").asString()).contains("GPL-3.0");
		JsonNode listed = this.owner.get(ws("/api/v1/skills?search=alpha")).json();
		assertThat(listed.get(0).get("source").asString()).isEqualTo(bareRepository + "@main");

		// again: the same skills, updated in place
		JsonNode second = this.owner
			.postJson(path, "{\"git_url\":\"" + bareRepository + "\",\"paths\":[\"skills/beta\"]}")
			.json();
		assertThat(SkillTests.slugs(second.get("imported"))).containsExactly("beta");
		assertThat(second.get("imported").get(0).get("created").asBoolean()).isFalse();
	}

	@Test
	void aCloneOverTheSizeCapOrFromAFencedAddressFails() {
		String path = "/api/v1/workspaces/" + this.workspaceId + "/skills/bulk-import";
		assertProblem(this.owner.postJson(path, "{\"git_url\":\"" + bareRepository + "\",\"git_ref\":\"big\"}"), 502,
				"exceeds 2 MB");
		assertProblem(this.owner.postJson(path, "{\"git_url\":\"https://127.0.0.1/skills.git\"}"), 502,
				"validation rejected");
		assertProblem(this.owner.postJson(path, "{\"git_url\":\"https://someone:pw@github.com/x/y.git\"}"), 502,
				"credentials embedded");
		assertProblem(this.owner.postJson(path, "{\"git_url\":\"http://github.com/x/y.git\"}"), 502, "only https");
		assertProblem(this.owner.postJson(path, "{\"git_url\":\"" + bareRepository + "\",\"git_ref\":\"no-such\"}"),
				502, "git clone failed");
		assertProblem(this.owner.postJson(path, "{}"), 400, "git_url is required");
	}

	/**
	 * A bare repository: {@code main} holds three SKILL.md files (one under a copyleft
	 * license) and a README; {@code big} adds 3 MB of incompressible data.
	 */
	static String repository() throws Exception {
		Path work = Files.createDirectories(repositories.resolve("work"));
		PersonIdent author = new PersonIdent("Test", "test@example.com");
		try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
			write(work, "README.md", "# skills\n");
			write(work, "skills/alpha/SKILL.md", SkillTests.skill("alpha", "license: MIT\n", "Alpha."));
			write(work, "skills/beta/SKILL.md", SkillTests.skill("beta", "category: ops\n", "Beta."));
			write(work, "skills/copyleft/SKILL.md", SkillTests.skill("copyleft", "license: GPL-3.0\n", "GPL."));
			git.add().addFilepattern(".").call();
			git.commit().setMessage("skills").setAuthor(author).setCommitter(author).setSign(false).call();
			git.checkout().setCreateBranch(true).setName("big").call();
			byte[] noise = new byte[3 * 1024 * 1024];
			new Random(14).nextBytes(noise);
			Files.write(work.resolve("noise.bin"), noise);
			git.add().addFilepattern(".").call();
			git.commit().setMessage("noise").setAuthor(author).setCommitter(author).setSign(false).call();
			git.checkout().setName("main").call(); // the clone's HEAD: main
		}
		Path bare = repositories.resolve("skills.git");
		Git.cloneRepository()
			.setURI(work.toUri().toString())
			.setDirectory(bare.toFile())
			.setBare(true)
			.setCloneAllBranches(true)
			.call()
			.close();
		return bare.toUri().toString();
	}

	private static void write(Path root, String file, String content) throws IOException {
		Path path = root.resolve(file);
		Files.createDirectories(path.getParent());
		Files.writeString(path, content, StandardCharsets.UTF_8);
	}

}
