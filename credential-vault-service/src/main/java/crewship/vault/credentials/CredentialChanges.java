package crewship.vault.credentials;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code PATCH}/{@code PUT /api/v1/credentials/{id}}: every field optional,
 * absent means unchanged. {@code status} is not among them: the monitor owns it.
 */
record CredentialChanges(@Size(min = 1, max = 255) String name, @Size(max = 2000) String description,
		@Size(max = CreateCredential.MAX_VALUE) String value, String type, @Size(max = 100) String provider,
		@Pattern(regexp = "WORKSPACE|CREW") String scope, String crewId, List<String> crewIds,
		@Size(max = 50) List<@Size(max = 100) String> tags, @Size(max = 255) String accountLabel,
		@Size(max = 255) String accountEmail, @Size(max = 255) String username, Instant tokenExpiresAt,
		@Min(1) @Max(3) Integer securityLevel) {

	/** Which fields a change touched, for the audit record (names only, never values). */
	List<String> fieldNames() {
		List<String> names = new java.util.ArrayList<>();
		addIf(names, "name", this.name);
		addIf(names, "description", this.description);
		addIf(names, "value", this.value);
		addIf(names, "type", this.type);
		addIf(names, "provider", this.provider);
		addIf(names, "scope", this.scope);
		addIf(names, "crew_ids", (this.crewIds != null) ? this.crewIds : this.crewId);
		addIf(names, "tags", this.tags);
		addIf(names, "account_label", this.accountLabel);
		addIf(names, "account_email", this.accountEmail);
		addIf(names, "username", this.username);
		addIf(names, "token_expires_at", this.tokenExpiresAt);
		addIf(names, "security_level", this.securityLevel);
		return names;
	}

	boolean isEmpty() {
		return fieldNames().isEmpty();
	}

	private static void addIf(List<String> names, String name, Object value) {
		if (value != null) {
			names.add(name);
		}
	}

}
