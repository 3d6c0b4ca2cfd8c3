package crewship.auth.workspaces;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;

@Entity
@Table(name = "workspaces")
public class Workspace extends SoftDeletableEntity {

	@Id
	private String id;

	private String name;

	private String slug;

	private String logoUrl;

	private String preferredLanguage;

	private boolean allowPrivilegedCredentials;

	private Integer runRetentionDays;

	private Integer credentialAuditRetentionDays;

	private Integer auditLogRetentionDays;

	private Instant createdAt;

	private Instant updatedAt;

	private Instant onboardingCompletedAt;

	protected Workspace() {
	}

	public Workspace(String name, String slug, String preferredLanguage) {
		this.id = Cuid.next();
		this.name = name;
		this.slug = slug;
		this.preferredLanguage = preferredLanguage;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	/**
	 * @return whether this call completed it (false when it already was)
	 */
	boolean completeOnboarding() {
		if (this.onboardingCompletedAt != null) {
			return false;
		}
		this.onboardingCompletedAt = Timestamps.now();
		this.updatedAt = this.onboardingCompletedAt;
		return true;
	}

	public Instant getOnboardingCompletedAt() {
		return this.onboardingCompletedAt;
	}

	void update(WorkspaceChanges changes) {
		if (changes.name() != null) {
			this.name = changes.name();
		}
		if (changes.slug() != null) {
			this.slug = changes.slug();
		}
		if (changes.preferredLanguage() != null) {
			this.preferredLanguage = changes.preferredLanguage().isBlank() ? null : changes.preferredLanguage();
		}
		if (changes.allowPrivilegedCredentials() != null) {
			this.allowPrivilegedCredentials = changes.allowPrivilegedCredentials();
		}
		if (changes.runRetentionDays() != null) {
			this.runRetentionDays = changes.runRetentionDays();
		}
		if (changes.credentialAuditRetentionDays() != null) {
			this.credentialAuditRetentionDays = changes.credentialAuditRetentionDays();
		}
		if (changes.auditLogRetentionDays() != null) {
			this.auditLogRetentionDays = changes.auditLogRetentionDays();
		}
		this.updatedAt = Timestamps.now();
	}

	public String getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getSlug() {
		return this.slug;
	}

	public String getLogoUrl() {
		return this.logoUrl;
	}

	public String getPreferredLanguage() {
		return this.preferredLanguage;
	}

	public boolean isAllowPrivilegedCredentials() {
		return this.allowPrivilegedCredentials;
	}

	public Integer getRunRetentionDays() {
		return this.runRetentionDays;
	}

	public Integer getCredentialAuditRetentionDays() {
		return this.credentialAuditRetentionDays;
	}

	public Integer getAuditLogRetentionDays() {
		return this.auditLogRetentionDays;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

}
