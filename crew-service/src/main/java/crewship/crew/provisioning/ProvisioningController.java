package crewship.crew.provisioning;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * The provisioning page's endpoints and the runtime page's capacity snapshot. Reads
 * answer 200 with what is true here (not provisioned, and why); actions answer 501 after
 * the usual 404/403 checks. {@code {crewId}} takes an id or a slug.
 */
@RestController
class ProvisioningController {

	private final Provisioning provisioning;

	private final WorkspaceScope scopes;

	ProvisioningController(Provisioning provisioning, WorkspaceScope scopes) {
		this.provisioning = provisioning;
		this.scopes = scopes;
	}

	@GetMapping("/api/v1/features/catalog")
	Map<String, Object> features(IdentityAssertion caller) {
		caller.requireUser();
		return this.provisioning.featureCatalog();
	}

	@GetMapping("/api/v1/runtimes/catalog")
	Map<String, Object> runtimes(IdentityAssertion caller) {
		caller.requireUser();
		return this.provisioning.runtimeCatalog();
	}

	/** Host-wide, no workspace role (the runtime page). */
	@GetMapping("/api/v1/runtime/capacity")
	Map<String, Object> capacity(IdentityAssertion caller) {
		caller.requireUser();
		return this.provisioning.capacity();
	}

	@GetMapping("/api/v1/crews/{crewId}/provision")
	Map<String, Object> provisionStatus(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.provisioning.provisionStatus(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PostMapping("/api/v1/crews/{crewId}/provision")
	Map<String, Object> provision(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		throw this.provisioning.crewAction(this.scopes.require(caller, request, Action.CREATE), crewId,
				"provision crew images");
	}

	@PostMapping("/api/v1/crews/{crewId}/rebuild")
	Map<String, Object> rebuild(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		throw this.provisioning.crewAction(this.scopes.require(caller, request, Action.CREATE), crewId,
				"rebuild crew images");
	}

	@PostMapping("/api/v1/crews/{crewId}/restart-agents")
	Map<String, Object> restartAgents(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		throw this.provisioning.crewAction(this.scopes.require(caller, request, Action.CREATE), crewId,
				"restart crew containers");
	}

	@GetMapping("/api/v1/crews/{crewId}/image-status")
	Map<String, Object> imageStatus(@PathVariable String crewId, IdentityAssertion caller, HttpServletRequest request) {
		return this.provisioning.imageStatus(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@PostMapping("/api/v1/crews/{crewId}/refresh-image")
	Map<String, Object> refreshImage(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		throw this.provisioning.crewAction(this.scopes.require(caller, request, Action.CREATE), crewId,
				"pull crew images");
	}

	@GetMapping("/api/v1/crews/{crewId}/credential-readiness")
	Map<String, Object> credentialReadiness(@PathVariable String crewId, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.provisioning.credentialReadiness(this.scopes.require(caller, request, Action.READ), crewId);
	}

	@GetMapping("/api/v1/cache/images")
	Map<String, Object> cachedImages(IdentityAssertion caller, HttpServletRequest request) {
		this.scopes.require(caller, request, Action.READ);
		return this.provisioning.cachedImages();
	}

	@DeleteMapping("/api/v1/cache/images/{tag}")
	Map<String, Object> deleteCachedImage(@PathVariable String tag, IdentityAssertion caller,
			HttpServletRequest request) {
		throw this.provisioning.deleteCachedImage(this.scopes.require(caller, request, Action.READ), tag);
	}

}
