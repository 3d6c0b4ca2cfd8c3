package crewship.auth.flags;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.workspaces.WorkspaceContext;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code /api/v1/feature-flags}: any member reads, OWNER/ADMIN of the current workspace
 * define flags and set that workspace's override.
 */
@RestController
class FeatureFlagController {

	private final FeatureFlags flags;

	private final WorkspaceContext context;

	FeatureFlagController(FeatureFlags flags, WorkspaceContext context) {
		this.flags = flags;
		this.context = context;
	}

	record CreateFlag(@NotBlank @Size(max = 100) @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._:-]*$") String key,
			@Size(max = 1000) String description, Boolean enabled, @Min(0) @Max(100) Integer percentage) {
	}

	/** {@code enabled} must be explicit: a missing body must not silently disable. */
	record SetOverride(@NotNull Boolean enabled) {
	}

	@GetMapping("/api/v1/feature-flags")
	List<FeatureFlags.Flag> list(IdentityAssertion caller, HttpServletRequest request) {
		return this.flags.list(this.context.authorise(caller, request, Action.READ).workspaceId());
	}

	@PostMapping("/api/v1/feature-flags")
	@ResponseStatus(HttpStatus.CREATED)
	FeatureFlags.Flag create(@Valid @RequestBody CreateFlag body, IdentityAssertion caller,
			HttpServletRequest request) {
		String workspaceId = this.context.authorise(caller, request, Action.MANAGE).workspaceId();
		return this.flags.create(workspaceId, caller.subject(), body.key(), body.description(),
				Boolean.TRUE.equals(body.enabled()), (body.percentage() != null) ? body.percentage() : 0);
	}

	@PatchMapping("/api/v1/feature-flags/{key}")
	FeatureFlags.Flag update(@PathVariable String key, @Valid @RequestBody FlagChanges changes,
			IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.context.authorise(caller, request, Action.MANAGE).workspaceId();
		return this.flags.update(workspaceId, caller.subject(), key, changes);
	}

	@DeleteMapping("/api/v1/feature-flags/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String key, IdentityAssertion caller, HttpServletRequest request) {
		this.flags.delete(this.context.authorise(caller, request, Action.MANAGE).workspaceId(), caller.subject(), key);
	}

	@PutMapping("/api/v1/feature-flags/{key}/override")
	Map<String, Object> setOverride(@PathVariable String key, @Valid @RequestBody SetOverride body,
			IdentityAssertion caller, HttpServletRequest request) {
		this.flags.setOverride(this.context.authorise(caller, request, Action.MANAGE).workspaceId(), caller.subject(),
				key, body.enabled());
		return Map.of("key", key, "enabled", body.enabled());
	}

	@DeleteMapping("/api/v1/feature-flags/{key}/override")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void clearOverride(@PathVariable String key, IdentityAssertion caller, HttpServletRequest request) {
		this.flags.clearOverride(this.context.authorise(caller, request, Action.MANAGE).workspaceId(), caller.subject(),
				key);
	}

}
