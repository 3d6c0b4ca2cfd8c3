package crewship.crew;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.platform.ids.Cuid;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provisioning and runtime capacity on a server without a container runtime: every read
 * answers the page's shape (checked against the reference schema) with "not provisioned"
 * and the reason, never a built image, a running container or a catalog that is not
 * there; every action is the container endpoints' 501 problem, after the workspace's 404
 * and the role's 403.
 */
class ProvisioningTests extends CrewTestSupport {

	private TestHttp owner() {
		return this.owner.validating();
	}

	@Test
	void readsSayNotProvisionedAndWhy() {
		String slug = slug("prov");
		String crewId = crew(slug, "{\"runtime_image\":\"ghcr.io/acme/runtime:1\","
				+ "\"devcontainer_config\":\"{\\\"features\\\":{\\\"ghcr.io/devcontainers/features/python:1\\\":{}}}\"}");

		JsonNode status = owner().get(ws("/api/v1/crews/" + slug + "/provision")).json();
		assertThat(status.get("crew_id").asString()).isEqualTo(crewId);
		assertThat(status.get("status").asString()).isEqualTo("idle");
		assertThat(status.get("provisioned").asBoolean()).isFalse();
		assertThat(status.get("cached_image").isNull()).isTrue();
		assertThat(status.get("message").asString()).contains("No container runtime");
		assertThat(status.get("devcontainer_config").asString()).contains("python");
		assertThat(status.get("config_hash").asString()).hasSize(64);
		assertThat(status.get("agents_pending_restart").asInt()).isZero();

		JsonNode image = owner().get(ws("/api/v1/crews/" + crewId + "/image-status")).json();
		assertThat(image.get("image").asString()).isEqualTo("ghcr.io/acme/runtime:1");
		assertThat(image.get("running").asBoolean()).isFalse();
		// behind:false is "nothing compared" only together with a reason
		assertThat(image.get("behind").asBoolean()).isFalse();
		assertThat(image.get("reason").asString()).isNotEmpty();

		JsonNode readiness = owner().get(ws("/api/v1/crews/" + crewId + "/credential-readiness")).json();
		assertThat(readiness.get("ready").asBoolean()).isFalse();
		assertThat(readiness.get("reason").asString()).contains("No container runtime");
		assertThat(readiness.get("gaps").isArray()).isTrue();
		assertThat(readiness.get("tools").isArray()).isTrue();

		for (String catalog : List.of("/api/v1/features/catalog", "/api/v1/runtimes/catalog?search=node")) {
			JsonNode answer = owner().get(catalog).json();
			assertThat(answer.get("available").asBoolean()).as(catalog).isFalse();
			assertThat(answer.get("reason").asString()).as(catalog).contains("No container runtime");
		}
		assertThat(owner().get("/api/v1/features/catalog").json().get("features").isEmpty()).isTrue();
		assertThat(owner().get(ws("/api/v1/cache/images")).json().get("images").isEmpty()).isTrue();

		JsonNode capacity = owner().get("/api/v1/runtime/capacity").json();
		assertThat(capacity.get("enabled").asBoolean()).isFalse();
		assertThat(capacity.get("held").isArray()).isTrue();
		assertThat(capacity.get("host_signal_error").asString()).contains("No container runtime");
	}

	@Test
	void readsKeepTheWorkspaceBoundaryAndAnyMemberMayRead() {
		String crewId = crew(slug("prov"));
		TestHttp viewer = newMember(WorkspaceRole.VIEWER).validating();
		assertThat(viewer.get(ws("/api/v1/crews/" + crewId + "/provision")).status()).isEqualTo(200);
		assertThat(viewer.get(ws("/api/v1/crews/" + crewId + "/image-status")).status()).isEqualTo(200);
		assertProblem(owner().get(ws("/api/v1/crews/" + Cuid.next() + "/provision")), 404, "Crew not found");
		TestHttp stranger = as(Cuid.next());
		assertThat(stranger.get(ws("/api/v1/crews/" + crewId + "/credential-readiness")).status()).isEqualTo(404);
		assertProblem(owner().get("/api/v1/crews/" + crewId + "/provision"), 400, "workspace");
		assertThat(this.http.get("/api/v1/runtime/capacity").status()).isEqualTo(401);
	}

	@Test
	void actionsAreNotImplementedAfterTheUsualChecks() {
		String crewId = crew(slug("prov"));
		for (String action : List.of("provision", "rebuild", "restart-agents", "refresh-image")) {
			Response response = owner().postJson(ws("/api/v1/crews/" + crewId + "/" + action), "");
			assertProblem(response, 501, "No container runtime");
			assertThat(response.json().get("type").asString()).as(action).endsWith("/no-crew-runtime");
			assertThat(response.json().get("runtime").asString()).isEqualTo("none");
		}
		TestHttp member = newMember(WorkspaceRole.MEMBER);
		assertThat(member.postJson(ws("/api/v1/crews/" + crewId + "/provision"), "").status()).isEqualTo(403);
		assertThat(owner().postJson(ws("/api/v1/crews/" + Cuid.next() + "/rebuild"), "").status()).isEqualTo(404);

		assertProblem(owner().delete(ws("/api/v1/cache/images/ubuntu:latest")), 400, "crewship-cache:");
		TestHttp manager = newMember(WorkspaceRole.MANAGER);
		assertThat(manager.delete(ws("/api/v1/cache/images/crewship-cache:a1b2")).status()).isEqualTo(403);
		assertProblem(owner().delete(ws("/api/v1/cache/images/crewship-cache:a1b2")), 501, "cached images");
	}

}
