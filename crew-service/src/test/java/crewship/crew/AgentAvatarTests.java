package crewship.crew;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An agent's stored avatar render: a sanitised SVG, written once, read by any member of
 * its workspace only (served unsniffed under a sandboxing CSP), named by the agent's
 * {@code avatar_url}, and dropped when the seed or style it depicts changes.
 */
class AgentAvatarTests extends CrewTestSupport {

	private static final String SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
			+ "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#f00\"/></linearGradient></defs>"
			+ "<rect width=\"10\" height=\"10\" fill=\"url(#g)\"/></svg>";

	private String agent() {
		String crewId = crew(slug("av"));
		Response created = this.owner.postJson(ws("/api/v1/agents"), "{\"name\":\"Painter\",\"slug\":\"" + slug("p")
				+ "\",\"crew_id\":\"" + crewId + "\",\"avatar_seed\":\"painter\",\"avatar_style\":\"bottts\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("avatar_url").isNull()).isTrue();
		return created.json().get("id").asString();
	}

	private static String body(String svg) {
		return "{\"svg\":\"" + svg.replace("\"", "\\\"") + "\"}";
	}

	@Test
	void storedOnceServedSafelyAndCleared() {
		String agentId = agent();
		TestHttp owner = this.owner.validating();
		Response stored = put(owner, ws("/api/v1/agents/" + agentId + "/avatar"), body(SVG));
		assertThat(stored.status()).as(stored.body()).isEqualTo(200);
		String url = stored.json().get("avatar_url").asString();
		assertThat(url).startsWith("/api/v1/agents/" + agentId + "/avatar?v=")
			.endsWith("&workspace_id=" + this.workspaceId);
		assertThat(owner.get(ws("/api/v1/agents/" + agentId)).json().get("avatar_url").asString()).isEqualTo(url);

		Response served = newMember(WorkspaceRole.VIEWER).get(url);
		assertThat(served.status()).isEqualTo(200);
		assertThat(served.header("Content-Type")).startsWith("image/svg+xml");
		assertThat(served.header("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(served.header("Content-Security-Policy")).contains("default-src 'none'").contains("sandbox");
		assertThat(served.body()).contains("fill=\"url(#g)\"").startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
		assertThat(as(Cuid.next()).get(url).status()).as("another workspace's member").isEqualTo(404);

		Response again = put(owner, ws("/api/v1/agents/" + agentId + "/avatar"), body(SVG));
		assertProblem(again, 409, "already has a stored avatar");

		assertThat(owner.delete(ws("/api/v1/agents/" + agentId + "/avatar")).status()).isEqualTo(204);
		assertThat(owner.get(url).status()).isEqualTo(404);
		assertThat(owner.get(ws("/api/v1/agents/" + agentId)).json().get("avatar_url").isNull()).isTrue();
		assertThat(put(owner, ws("/api/v1/agents/" + agentId + "/avatar"), body(SVG)).status()).isEqualTo(200);
	}

	@Test
	void unsafeSvgsAndUneditableAgentsAreRefused() {
		String agentId = agent();
		String path = ws("/api/v1/agents/" + agentId + "/avatar");
		assertProblem(put(this.owner, path, body("<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>")),
				400, "script");
		assertProblem(
				put(this.owner, path, body("<svg xmlns='http://www.w3.org/2000/svg'><image href='https://x'/></svg>")),
				400, "image");
		assertProblem(
				put(this.owner, path, body("<svg xmlns='http://www.w3.org/2000/svg'><rect onclick='x()'/></svg>")), 400,
				"onclick");
		assertProblem(put(this.owner, path, "{\"svg\":\"<svg/>" + " ".repeat(70 * 1024) + "\"}"), 400, "larger");
		assertThat(this.owner.get(path).status()).as("nothing stored").isEqualTo(404);
		assertThat(put(newMember(WorkspaceRole.MANAGER), path, body(SVG)).status())
			.as("a MANAGER who did not create it")
			.isEqualTo(403);
		assertThat(put(this.owner, ws("/api/v1/agents/" + Cuid.next() + "/avatar"), body(SVG)).status()).isEqualTo(404);
	}

	@Test
	void aNewSeedOrStyleDropsTheRenderAnUnchangedResubmitKeepsIt() {
		String agentId = agent();
		String path = ws("/api/v1/agents/" + agentId + "/avatar");
		assertThat(put(this.owner, path, body(SVG)).status()).isEqualTo(200);
		Response same = patch(this.owner, ws("/api/v1/agents/" + agentId),
				"{\"name\":\"Painter 2\",\"avatar_seed\":\"painter\",\"avatar_style\":\"bottts\"}");
		assertThat(same.json().get("avatar_url").isNull()).isFalse();
		assertThat(this.owner.get(path).status()).isEqualTo(200);
		Response restyled = patch(this.owner, ws("/api/v1/agents/" + agentId), "{\"avatar_style\":\"pixel-art\"}");
		assertThat(restyled.json().get("avatar_url").isNull()).isTrue();
		assertThat(this.owner.get(path).status()).isEqualTo(404);
	}

}
