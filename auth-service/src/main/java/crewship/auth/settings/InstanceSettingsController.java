package crewship.auth.settings;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.workspaces.WorkspaceContext;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/**
 * {@code /api/v1/instance/settings}: reads for MANAGER and above, writes for ADMIN and
 * above, in the current workspace (which authorises but does not filter).
 */
@RestController
class InstanceSettingsController {

	private final InstanceSettings settings;

	private final WorkspaceContext context;

	InstanceSettingsController(InstanceSettings settings, WorkspaceContext context) {
		this.settings = settings;
		this.context = context;
	}

	/** An empty string is a value; only an absent one is refused. */
	record PutSetting(@NotNull String value) {
	}

	@GetMapping("/api/v1/instance/settings")
	List<InstanceSettings.Setting> list(IdentityAssertion caller, HttpServletRequest request) {
		this.context.authorise(caller, request, Action.CREATE);
		return this.settings.list();
	}

	@GetMapping("/api/v1/instance/settings/{key}")
	InstanceSettings.Setting get(@PathVariable String key, IdentityAssertion caller, HttpServletRequest request) {
		this.context.authorise(caller, request, Action.CREATE);
		return this.settings.get(key);
	}

	@PutMapping("/api/v1/instance/settings/{key}")
	InstanceSettings.Setting put(@PathVariable String key, @Valid @RequestBody PutSetting body,
			IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.context.authorise(caller, request, Action.MANAGE).workspaceId();
		return this.settings.put(workspaceId, caller.subject(), key, body.value());
	}

	@DeleteMapping("/api/v1/instance/settings/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String key, IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = this.context.authorise(caller, request, Action.MANAGE).workspaceId();
		this.settings.delete(workspaceId, caller.subject(), key);
	}

}
