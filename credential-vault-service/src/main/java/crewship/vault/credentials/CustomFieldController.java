package crewship.vault.credentials;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.workspace.CurrentWorkspace;
import crewship.vault.workspace.CurrentWorkspace.Current;

/** {@code /api/v1/credentials/{id}/fields}: members read, MANAGER+ write. */
@RestController
class CustomFieldController {

	private final CustomFields fields;

	private final CurrentWorkspace workspace;

	CustomFieldController(CustomFields fields, CurrentWorkspace workspace) {
		this.fields = fields;
		this.workspace = workspace;
	}

	@GetMapping("/api/v1/credentials/{credentialId}/fields")
	List<CustomFields.Field> list(@PathVariable String credentialId, IdentityAssertion caller,
			HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.READ);
		return this.fields.list(current.workspaceId(), credentialId, current.role());
	}

	@PostMapping("/api/v1/credentials/{credentialId}/fields")
	@ResponseStatus(HttpStatus.CREATED)
	CustomFields.Field add(@PathVariable String credentialId, @Valid @RequestBody CustomFields.FieldRequest body,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		return this.fields.add(current.workspaceId(), credentialId, caller.subject(), RequestOrigin.of(request), body);
	}

	@PutMapping("/api/v1/credentials/{credentialId}/fields/{fieldKey}")
	CustomFields.Field update(@PathVariable String credentialId, @PathVariable String fieldKey,
			@Valid @RequestBody CustomFields.FieldRequest body, IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		return this.fields.update(current.workspaceId(), credentialId, fieldKey, caller.subject(),
				RequestOrigin.of(request), body);
	}

	@DeleteMapping("/api/v1/credentials/{credentialId}/fields/{fieldKey}")
	Map<String, Object> delete(@PathVariable String credentialId, @PathVariable String fieldKey,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		this.fields.delete(current.workspaceId(), credentialId, fieldKey, caller.subject(), RequestOrigin.of(request));
		return Map.of("success", true);
	}

}
