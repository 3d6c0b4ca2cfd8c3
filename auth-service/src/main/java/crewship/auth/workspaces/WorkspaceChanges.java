package crewship.auth.workspaces;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import crewship.platform.ids.Slug;

/** A partial update of a workspace: only the fields present change. */
public record WorkspaceChanges(@Size(min = 2, max = 100) String name, @Slug String slug,
		@Size(max = 50) String preferredLanguage, Boolean allowPrivilegedCredentials, @Min(1) Integer runRetentionDays,
		@Min(0) Integer credentialAuditRetentionDays, @Min(0) Integer auditLogRetentionDays) {

	/** Just a new name and language, as the guided setup sends them. */
	public static WorkspaceChanges renamed(String name, String preferredLanguage) {
		return new WorkspaceChanges(name, null, preferredLanguage, null, null, null, null);
	}

}
