package crewship.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.auth.users.User;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance-wide surfaces that take the current workspace from {@code X-Workspace-ID}:
 * admin reads, instance settings and feature flags.
 */
class InstanceAdminTests extends WorkspaceTestSupport {

	TestHttp in(User user) {
		return as(user).withHeader("X-Workspace-ID", this.workspaceId);
	}

	@Test
	void adminReadsAreOwnerOnlyAndScopedToTheCurrentWorkspace() {
		User admin = newUser();
		addMember(admin, "ADMIN");
		Response stats = in(this.owner).get("/api/v1/admin/stats");
		assertThat(stats.status()).as(stats.body()).isEqualTo(200);
		assertThat(stats.json().get("workspaces").asInt()).isEqualTo(1);
		assertThat(stats.json().get("users").asInt()).isEqualTo(2);

		Response users = in(this.owner).get("/api/v1/admin/users");
		assertThat(users.json().valueStream().map(u -> u.get("id").asString()).toList())
			.containsExactly(this.owner.getId(), admin.getId());
		assertThat(users.json().get(1).get("role").asString()).isEqualTo("ADMIN");
		assertThat(users.json().get(0).get("workspace").get("slug").asString()).isEqualTo(this.slug);

		Response workspaces = as(this.owner).get("/api/v1/admin/workspaces?workspace_id=" + this.slug);
		assertThat(workspaces.json().size()).isEqualTo(1);
		assertThat(workspaces.json().get(0).get("_count_members").asInt()).isEqualTo(2);

		assertThat(in(admin).get("/api/v1/admin/stats").status()).as("ADMIN is not OWNER").isEqualTo(403);
		User stranger = newUser();
		assertThat(in(stranger).get("/api/v1/admin/users").status()).as("no oracle").isEqualTo(404);
	}

	@Test
	void withoutContextASingleWorkspaceIsImpliedAndSeveralAre400() {
		assertThat(as(this.owner).get("/api/v1/admin/stats").status()).isEqualTo(200);
		Response second = this.asOwner.postJson("/api/v1/workspaces",
				"{\"name\":\"Second\",\"slug\":\"ws-" + Cuid.next().substring(10) + "\"}");
		assertThat(second.status()).isEqualTo(201);
		Response ambiguous = as(this.owner).get("/api/v1/admin/stats");
		assertThat(ambiguous.status()).isEqualTo(400);
		assertThat(ambiguous.json().get("detail").asString()).contains("X-Workspace-ID");
		assertThat(as(this.owner).withHeader("X-Workspace-ID", "no-such-workspace").get("/api/v1/admin/stats").status())
			.isEqualTo(404);
	}

	@Test
	void settingsRedactSecretsProtectMarkersAndFollowTheRoleTiers() {
		User manager = newUser();
		User member = newUser();
		addMember(manager, "MANAGER");
		addMember(member, "MEMBER");
		String key = "banner." + Cuid.next();
		Response put = in(this.owner).send("PUT", "/api/v1/instance/settings/" + key, "application/json",
				"{\"value\":\"\"}");
		assertThat(put.status()).as(put.body()).isEqualTo(200);
		assertThat(put.json().get("value").asString()).as("empty is a value").isEmpty();
		assertThat(in(this.owner).send("PUT", "/api/v1/instance/settings/" + key, "application/json", "{}").status())
			.as("absent value")
			.isEqualTo(400);

		Response secret = in(this.owner).send("PUT", "/api/v1/instance/settings/smtp.password", "application/json",
				"{\"value\":\"hunter2\"}");
		assertThat(secret.json().get("value").asString()).isEqualTo("***");
		assertThat(in(manager).get("/api/v1/instance/settings/smtp.password").json().get("value").asString())
			.isEqualTo("***");
		assertThat(in(manager).get("/api/v1/instance/settings").body()).doesNotContain("hunter2");
		assertThat(in(this.owner)
			.send("PUT", "/api/v1/instance/settings/oauth.google.client_secret", "application/json",
					"{\"value\":\"s3cret\"}")
			.json()
			.get("value")
			.asString()).isEqualTo("***");

		assertThat(in(member).get("/api/v1/instance/settings").status()).as("below MANAGER").isEqualTo(403);
		assertThat(in(manager).send("PUT", "/api/v1/instance/settings/" + key, "application/json", "{\"value\":\"x\"}")
			.status()).as("MANAGER cannot write").isEqualTo(403);

		Response marker = in(this.owner).delete("/api/v1/instance/settings/instance.bootstrap_at");
		assertThat(marker.status()).isEqualTo(403);
		assertThat(marker.header("Content-Type")).startsWith("application/problem+json");
		assertThat(in(this.owner).delete("/api/v1/instance/settings/" + key).status()).isEqualTo(204);
		assertThat(in(this.owner).get("/api/v1/instance/settings/" + key).status()).isEqualTo(404);
		assertThat(in(this.owner).delete("/api/v1/instance/settings/" + key).status()).isEqualTo(404);
	}

	@Test
	void featureFlagsWithPerWorkspaceOverrides() {
		User viewer = newUser();
		addMember(viewer, "VIEWER");
		String key = "flag-" + Cuid.next();
		Response created = in(this.owner).postJson("/api/v1/feature-flags",
				"{\"key\":\"" + key + "\",\"enabled\":true,\"percentage\":50}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().has("override_enabled")).isFalse();
		assertThat(in(this.owner).postJson("/api/v1/feature-flags", "{\"key\":\"" + key + "\"}").status())
			.isEqualTo(409);
		assertThat(in(this.owner).postJson("/api/v1/feature-flags", "{\"key\":\"x" + key + "\",\"percentage\":101}")
			.status()).isEqualTo(400);
		assertThat(in(viewer).postJson("/api/v1/feature-flags", "{\"key\":\"v" + key + "\"}").status()).isEqualTo(403);

		assertThat(in(this.owner).send("PUT", "/api/v1/feature-flags/" + key + "/override", "application/json", "{}")
			.status()).as("enabled must be explicit").isEqualTo(400);
		Response override = in(this.owner).send("PUT", "/api/v1/feature-flags/" + key + "/override", "application/json",
				"{\"enabled\":false}");
		assertThat(override.body()).contains("\"enabled\":false");
		assertThat(flag(in(viewer), key).get("override_enabled").asBoolean()).isFalse();

		// another workspace sees no override
		Response other = this.asOwner.postJson("/api/v1/workspaces",
				"{\"name\":\"Other\",\"slug\":\"ws-" + Cuid.next().substring(10) + "\"}");
		TestHttp inOther = as(this.owner).withHeader("X-Workspace-ID", other.json().get("id").asString());
		assertThat(flag(inOther, key).has("override_enabled")).isFalse();

		Response patched = in(this.owner).send("PATCH", "/api/v1/feature-flags/" + key, "application/json",
				"{\"percentage\":75,\"description\":\"Rollout\"}");
		assertThat(patched.json().get("percentage").asInt()).isEqualTo(75);
		assertThat(patched.json().get("override_enabled").asBoolean()).isFalse();
		assertThat(in(this.owner).send("PATCH", "/api/v1/feature-flags/" + key, "application/json", "{}").status())
			.isEqualTo(400);

		assertThat(in(this.owner).delete("/api/v1/feature-flags/" + key + "/override").status()).isEqualTo(204);
		assertThat(in(this.owner).delete("/api/v1/feature-flags/" + key + "/override").status()).as("idempotent")
			.isEqualTo(204);
		assertThat(flag(in(viewer), key).has("override_enabled")).isFalse();
		assertThat(in(this.owner).delete("/api/v1/feature-flags/" + key).status()).isEqualTo(204);
		assertThat(in(this.owner).delete("/api/v1/feature-flags/" + key).status()).isEqualTo(404);
	}

	private static tools.jackson.databind.JsonNode flag(TestHttp as, String key) {
		Response list = as.get("/api/v1/feature-flags");
		assertThat(list.status()).as(list.body()).isEqualTo(200);
		List<tools.jackson.databind.JsonNode> matching = list.json()
			.valueStream()
			.filter(flag -> flag.get("key").asString().equals(key))
			.toList();
		assertThat(matching).hasSize(1);
		return matching.get(0);
	}

}
