package crewship.vault.credentials;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;

/**
 * A credential's metadata. Its value is not here: it lives sealed in
 * {@code sealed_secrets}, owned by {@link #valueOwner()}.
 */
@Entity
@Table(name = "credentials")
public class Credential extends SoftDeletableEntity {

	static final String VALUE = "credential.value";

	public static final String REFRESH_TOKEN = "credential.refresh_token";

	public static final String OAUTH_CLIENT_SECRET = "credential.oauth_client_secret";

	static final String FIELD = "credential.field";

	@Id
	private String id;

	private String workspaceId;

	private String name;

	private String description;

	private String type;

	private String provider;

	private String status;

	private String scope;

	private String[] crewIds;

	private String[] tags;

	private String accountLabel;

	private String accountEmail;

	private String username;

	private Instant tokenExpiresAt;

	private int securityLevel;

	private String sensitivity;

	private String oauthClientId;

	private String oauthAuthUrl;

	private String oauthTokenUrl;

	private String oauthScopes;

	private Instant lastCheckedAt;

	private String lastError;

	private Instant lastUsedAt;

	private String createdByActorType;

	private String createdByActorId;

	private String provisionedForService;

	private Instant createdAt;

	private Instant updatedAt;

	protected Credential() {
	}

	Credential(String workspaceId, String name, CredentialType type, String provider, String createdBy) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.name = name;
		this.type = type.name();
		this.provider = provider;
		this.status = "ACTIVE";
		this.scope = "WORKSPACE";
		this.crewIds = new String[0];
		this.tags = new String[0];
		this.securityLevel = 1;
		this.sensitivity = Sensitivity.STANDARD.name();
		this.createdByActorType = "user";
		this.createdByActorId = createdBy;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	/** Applies the fields present; {@code value} is handled by the service. */
	void apply(CredentialChanges changes) {
		if (changes.name() != null) {
			this.name = changes.name();
		}
		if (changes.description() != null) {
			this.description = changes.description().isEmpty() ? null : changes.description();
		}
		if (changes.type() != null) {
			this.type = CredentialType.parse(changes.type()).name();
		}
		if (changes.provider() != null) {
			this.provider = changes.provider();
		}
		if (changes.crewIds() != null) {
			this.crewIds = changes.crewIds().toArray(String[]::new);
		}
		else if (changes.crewId() != null) {
			this.crewIds = changes.crewId().isEmpty() ? new String[0] : new String[] { changes.crewId() };
		}
		if (changes.scope() != null) {
			this.scope = changes.scope();
		}
		else if (changes.crewIds() != null || changes.crewId() != null) {
			// crew ids imply the scope, as on create
			this.scope = (this.crewIds.length > 0) ? "CREW" : "WORKSPACE";
		}
		if (changes.tags() != null) {
			this.tags = changes.tags().toArray(String[]::new);
		}
		if (changes.accountLabel() != null) {
			this.accountLabel = changes.accountLabel();
		}
		if (changes.accountEmail() != null) {
			this.accountEmail = changes.accountEmail();
		}
		if (changes.username() != null) {
			this.username = changes.username();
		}
		if (changes.tokenExpiresAt() != null) {
			this.tokenExpiresAt = changes.tokenExpiresAt();
		}
		if (changes.securityLevel() != null) {
			this.securityLevel = changes.securityLevel();
		}
		touch();
	}

	void oauth(String clientId, String authUrl, String tokenUrl, String scopes) {
		this.oauthClientId = clientId;
		this.oauthAuthUrl = authUrl;
		this.oauthTokenUrl = tokenUrl;
		this.oauthScopes = scopes;
	}

	public String getOauthClientId() {
		return this.oauthClientId;
	}

	public String getOauthAuthUrl() {
		return this.oauthAuthUrl;
	}

	public String getOauthTokenUrl() {
		return this.oauthTokenUrl;
	}

	public String getOauthScopes() {
		return this.oauthScopes;
	}

	/** A token from the provider went live (first exchange or a refresh). */
	void tokenIssued(Instant expiresAt) {
		this.tokenExpiresAt = expiresAt;
		this.status = "ACTIVE";
		this.lastError = null;
		this.lastCheckedAt = Timestamps.now();
		touch();
	}

	/** The provider refused to refresh: nothing can renew the token but a new consent. */
	void tokenExpired(String reason) {
		this.status = "EXPIRED";
		this.lastError = reason;
		this.lastCheckedAt = Timestamps.now();
		touch();
	}

	void attribute(String actorType, String actorId, String provisionedForService) {
		if (actorType != null) {
			this.createdByActorType = actorType;
			this.createdByActorId = "system".equals(actorType) ? null : actorId;
		}
		this.provisionedForService = provisionedForService;
	}

	void markStatus(String status) {
		this.status = status;
		touch();
	}

	/**
	 * The outcome of a provider test; a null status leaves it as it is (nothing checked).
	 */
	public void checked(String status, String error) {
		if (status != null) {
			this.status = status;
		}
		this.lastCheckedAt = Timestamps.now();
		this.lastError = error;
		touch();
	}

	/**
	 * @return the previous class
	 */
	Sensitivity classify(Sensitivity sensitivity) {
		Sensitivity previous = getSensitivity();
		this.sensitivity = sensitivity.name();
		touch();
		return previous;
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

	public String getId() {
		return this.id;
	}

	public String getWorkspaceId() {
		return this.workspaceId;
	}

	public String getName() {
		return this.name;
	}

	String getDescription() {
		return this.description;
	}

	public String getType() {
		return this.type;
	}

	public String getProvider() {
		return this.provider;
	}

	public String getStatus() {
		return this.status;
	}

	public String getScope() {
		return this.scope;
	}

	public String[] getCrewIds() {
		return this.crewIds.clone();
	}

	String[] getTags() {
		return this.tags.clone();
	}

	String getAccountLabel() {
		return this.accountLabel;
	}

	String getAccountEmail() {
		return this.accountEmail;
	}

	public String getUsername() {
		return this.username;
	}

	public Instant getTokenExpiresAt() {
		return this.tokenExpiresAt;
	}

	int getSecurityLevel() {
		return this.securityLevel;
	}

	public Sensitivity getSensitivity() {
		return Sensitivity.valueOf(this.sensitivity);
	}

	Instant getLastCheckedAt() {
		return this.lastCheckedAt;
	}

	String getLastError() {
		return this.lastError;
	}

	Instant getLastUsedAt() {
		return this.lastUsedAt;
	}

	String getCreatedByActorType() {
		return this.createdByActorType;
	}

	String getCreatedByActorId() {
		return this.createdByActorId;
	}

	String getProvisionedForService() {
		return this.provisionedForService;
	}

	Instant getCreatedAt() {
		return this.createdAt;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

	public crewship.vault.crypto.SealedSecrets.Owner valueOwner() {
		return new crewship.vault.crypto.SealedSecrets.Owner(VALUE, this.id);
	}

}
