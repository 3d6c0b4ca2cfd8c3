package crewship.vault.credentials;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.vault.workspace.CurrentWorkspace;
import crewship.vault.workspace.CurrentWorkspace.Current;

/**
 * {@code /api/v1/credentials}: any member reads metadata, MANAGER+ create and update,
 * OWNER/ADMIN delete. No answer here ever carries a value.
 */
@RestController
class CredentialController {

	/** The page's list paging: default 100, at most 500, odd values fall back. */
	static final int DEFAULT_LIMIT = 100;

	static final int MAX_LIMIT = 500;

	private final Credentials credentials;

	private final CurrentWorkspace workspace;

	CredentialController(Credentials credentials, CurrentWorkspace workspace) {
		this.credentials = credentials;
		this.workspace = workspace;
	}

	record Classification(@NotNull String sensitivity) {
	}

	@GetMapping("/api/v1/credentials")
	List<CredentialView> list(@RequestParam(required = false) Integer limit,
			@RequestParam(required = false) Integer offset, IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.READ);
		int size = (limit == null || limit <= 0) ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
		int skip = (offset == null) ? 0 : Math.max(offset, 0);
		return this.credentials.list(current.workspaceId(), current.role(), size, skip);
	}

	@PostMapping("/api/v1/credentials")
	@ResponseStatus(HttpStatus.CREATED)
	CredentialView create(@Valid @RequestBody CreateCredential body, IdentityAssertion caller,
			HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE, MemberCapability.CREDENTIAL_CREATE);
		return this.credentials.create(current.workspaceId(), caller.subject(), RequestOrigin.of(request), body);
	}

	@GetMapping("/api/v1/credentials/{credentialId}")
	CredentialView get(@PathVariable String credentialId, IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.READ);
		return this.credentials.get(current.workspaceId(), credentialId, current.role());
	}

	@RequestMapping(path = "/api/v1/credentials/{credentialId}", method = { RequestMethod.PATCH, RequestMethod.PUT })
	CredentialView update(@PathVariable String credentialId, @Valid @RequestBody CredentialChanges changes,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		return this.credentials.update(current.workspaceId(), credentialId, caller.subject(), RequestOrigin.of(request),
				changes);
	}

	@DeleteMapping("/api/v1/credentials/{credentialId}")
	Map<String, Object> delete(@PathVariable String credentialId, IdentityAssertion caller,
			HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.MANAGE);
		this.credentials.delete(current.workspaceId(), credentialId, caller.subject(), RequestOrigin.of(request));
		return Map.of("success", true);
	}

	/** Audit reveals admin IPs, so MEMBER and VIEWER are refused. */
	@GetMapping("/api/v1/credentials/{credentialId}/audit")
	List<CredentialAudit.Entry> audit(@PathVariable String credentialId, @RequestParam(required = false) Integer limit,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		int size = (limit == null || limit < 1 || limit > 500) ? 50 : limit;
		return this.credentials.timeline(current.workspaceId(), credentialId, size);
	}

	@PutMapping("/api/v1/credentials/{credentialId}/sensitivity")
	Map<String, Object> classify(@PathVariable String credentialId, @Valid @RequestBody Classification body,
			IdentityAssertion caller, HttpServletRequest request) {
		Current current = this.workspace.authorise(caller, request, Action.CREATE);
		return this.credentials.classify(current.workspaceId(), credentialId, current.role(), caller.subject(),
				RequestOrigin.of(request), Sensitivity.parse(body.sensitivity()));
	}

	/** No workspace needed: a lookup table of the page. */
	@GetMapping("/api/v1/credentials/default-env-var")
	Map<String, Object> defaultEnvVar(@RequestParam(required = false) String provider,
			@RequestParam(required = false) String type, IdentityAssertion caller) {
		caller.requireUser();
		return Map.of("env_var", Providers.defaultEnvVar(provider), "testable", Providers.testable(provider, type));
	}

}
