package crewship.crew.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewRuntime;
import crewship.crew.crews.CrewService;
import crewship.crew.workspace.WorkspaceScope;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * What provisioning and runtime capacity are on this server, asked of the configured
 * {@link CrewRuntime}. The suite runs none ({@code NoCrewRuntime}), and the runtime
 * interface has no image building: every read therefore says "not provisioned" and why,
 * in the shape the pages give, and never claims an image, a container or a catalog that
 * does not exist; every action that would build, pull or recycle something is a 501
 * problem, as the container endpoints are.
 */
@Service
class Provisioning {

	static final String CACHE_TAG_PREFIX = "crewship-cache:";

	private final CrewService crews;

	private final CrewRuntime runtime;

	Provisioning(CrewService crews, ObjectProvider<CrewRuntime> runtimes) {
		this.crews = crews;
		this.runtime = runtimes.getIfAvailable(CrewRuntime::none);
	}

	/** Why nothing is built here: no runtime at all, or one that builds no images. */
	String reason() {
		String unavailable = this.runtime.unavailableReason();
		return (unavailable != null) ? unavailable
				: "The container runtime '" + this.runtime.name() + "' does not build crew images";
	}

	Map<String, Object> featureCatalog() {
		return catalog("features");
	}

	Map<String, Object> runtimeCatalog() {
		return catalog("runtimes");
	}

	private Map<String, Object> catalog(String field) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put(field, List.of());
		body.put("available", false);
		body.put("reason", reason());
		return body;
	}

	/** The runtime page's snapshot with admission control not configured. */
	Map<String, Object> capacity() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("enabled", false);
		body.put("limits", Map.of());
		body.put("in_flight_starts", 0);
		body.put("held", List.of());
		body.put("held_total", 0);
		body.put("host_signal_available", false);
		body.put("host_signal_error", reason());
		return body;
	}

	@Transactional(readOnly = true)
	Map<String, Object> provisionStatus(Scope scope, String crewRef) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("crew_id", crew.getId());
		body.put("crew_slug", crew.getSlug());
		// idle: no job and no cached image, the truth of a server that builds none
		body.put("status", "idle");
		body.put("phase", "not_provisioned");
		body.put("provisioned", false);
		body.put("runtime", this.runtime.name());
		body.put("message", reason());
		body.put("devcontainer_config", crew.getDevcontainerConfig());
		body.put("cached_image", null);
		body.put("config_hash", configHash(crew));
		body.put("agents_pending_restart", 0);
		body.put("updated_at", crew.getUpdatedAt().toString());
		return body;
	}

	@Transactional(readOnly = true)
	Map<String, Object> imageStatus(Scope scope, String crewRef) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("crew_id", crew.getId());
		body.put("image", Objects.requireNonNullElse(crew.getRuntimeImage(), ""));
		body.put("container_id", "");
		body.put("running", false);
		body.put("running_digest", "");
		body.put("resolved_digest", "");
		// behind:false with a reason means "nothing was compared", as the page warns
		body.put("behind", false);
		body.put("reason", "no container");
		body.put("detail", reason());
		return body;
	}

	/**
	 * Nothing can be ready without a container to run the credentials' tools in, and no
	 * credential was examined (they are the vault's; there is no container to compare
	 * them with).
	 */
	@Transactional(readOnly = true)
	Map<String, Object> credentialReadiness(Scope scope, String crewRef) {
		Crew crew = this.crews.find(scope.workspaceId(), crewRef);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("crew_id", crew.getId());
		body.put("crew_slug", crew.getSlug());
		body.put("ready", false);
		body.put("reason", reason());
		body.put("tools", List.of());
		body.put("checked", 0);
		body.put("gaps", List.of());
		body.put("credentials", List.of());
		return body;
	}

	Map<String, Object> cachedImages() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("images", List.of());
		body.put("available", false);
		body.put("reason", reason());
		return body;
	}

	/**
	 * The crew must exist in the caller's workspace and their role permit the action
	 * before the server says it cannot do it: 404 and 403 stay what they are elsewhere.
	 */
	@Transactional(readOnly = true)
	ProblemException crewAction(Scope scope, String crewRef, String operation) {
		this.crews.find(scope.workspaceId(), crewRef);
		return unsupported(operation);
	}

	ProblemException deleteCachedImage(Scope scope, String tag) {
		if (tag == null || tag.isBlank() || !tag.startsWith(CACHE_TAG_PREFIX)
				|| tag.length() == CACHE_TAG_PREFIX.length()) {
			throw ProblemException.badRequest("only " + CACHE_TAG_PREFIX + "* tags may be deleted");
		}
		WorkspaceScope.demand(scope, Action.MANAGE);
		return unsupported("delete cached images");
	}

	private ProblemException unsupported(String operation) {
		String detail = (this.runtime.unavailableReason() != null)
				? "No container runtime (CrewRuntime) is configured on this server, so it cannot " + operation
				: "The container runtime '" + this.runtime.name() + "' cannot " + operation;
		return CrewRuntime.unsupported(this.runtime, detail);
	}

	/** The page's cache key: SHA-256 of (base image, devcontainer, mise). */
	static String configHash(Crew crew) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (String part : new String[] { crew.getRuntimeImage(), crew.getDevcontainerConfig(),
					crew.getMiseConfig() }) {
				digest.update(Objects.requireNonNullElse(part, "").getBytes(StandardCharsets.UTF_8));
				digest.update((byte) 0);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
