package crewship.auth.workspaces;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Slug;

@RestController
class WorkspaceController {

	private final WorkspaceService workspaces;

	WorkspaceController(WorkspaceService workspaces) {
		this.workspaces = workspaces;
	}

	record CreateWorkspace(@NotBlank @Size(min = 2, max = 100) String name, @NotNull @Slug String slug,
			@Size(max = 50) String preferredLanguage) {
	}

	record DeleteWorkspace(String confirmSlug) {
	}

	@GetMapping("/api/v1/workspaces")
	List<Map<String, Object>> list(IdentityAssertion caller) {
		caller.requireUser();
		return this.workspaces.list(caller.subject()).stream().map(WorkspaceController::view).toList();
	}

	@PostMapping("/api/v1/workspaces")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> create(@Valid @RequestBody CreateWorkspace request, IdentityAssertion caller) {
		caller.requireUser();
		Workspace workspace = this.workspaces.create(caller.subject(), request.name().trim(), request.slug(),
				blankToNull(request.preferredLanguage()));
		return view(new WorkspaceService.Membered(workspace, crewship.platform.membership.WorkspaceRole.OWNER,
				Capabilities.resolve(crewship.platform.membership.WorkspaceRole.OWNER, null), 1));
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}")
	Map<String, Object> get(@PathVariable String workspaceId, IdentityAssertion caller) {
		return view(this.workspaces.get(caller, workspaceId));
	}

	@PatchMapping("/api/v1/workspaces/{workspaceId}")
	Map<String, Object> update(@PathVariable String workspaceId, @Valid @RequestBody WorkspaceChanges changes,
			IdentityAssertion caller) {
		return view(this.workspaces.update(caller, workspaceId, changes));
	}

	@DeleteMapping("/api/v1/workspaces/{workspaceId}")
	Map<String, Object> delete(@PathVariable String workspaceId, @RequestBody(required = false) DeleteWorkspace request,
			IdentityAssertion caller) {
		this.workspaces.delete(caller, workspaceId, (request != null) ? request.confirmSlug() : null);
		return Map.of("success", true);
	}

	/**
	 * The page's workspace shape. Crew and agent counts are crew-service's data and stay
	 * 0 here until auth-service keeps a projection of crew events.
	 */
	static Map<String, Object> view(WorkspaceService.Membered membered) {
		Workspace workspace = membered.workspace();
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("id", workspace.getId());
		view.put("name", workspace.getName());
		view.put("slug", workspace.getSlug());
		view.put("logo_url", workspace.getLogoUrl());
		view.put("preferred_language", workspace.getPreferredLanguage());
		view.put("created_at", timestamp(workspace.getCreatedAt()));
		view.put("updated_at", timestamp(workspace.getUpdatedAt()));
		view.put("currentUserRole", (membered.role() != null) ? membered.role().name() : null);
		view.put("currentUserCapabilities", List.copyOf(membered.capabilities()));
		view.put("allow_privileged_credentials", workspace.isAllowPrivilegedCredentials());
		view.put("run_retention_days", workspace.getRunRetentionDays());
		view.put("credential_audit_retention_days", workspace.getCredentialAuditRetentionDays());
		view.put("audit_log_retention_days", workspace.getAuditLogRetentionDays());
		view.put("_count", Map.of("crews", 0, "agents", 0, "members", membered.memberCount()));
		view.put("_count_members", membered.memberCount());
		return view;
	}

	private static String timestamp(Instant instant) {
		return instant.toString();
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
