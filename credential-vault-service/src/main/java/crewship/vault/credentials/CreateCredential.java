package crewship.vault.credentials;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of {@code POST /api/v1/credentials}. */
record CreateCredential(@NotBlank @Size(max = 255) String name, @Size(max = MAX_VALUE) String value,
		@Size(max = 2000) String description, String type, @Size(max = 100) String provider,
		@Pattern(regexp = "WORKSPACE|CREW") String scope, String crewId, List<String> crewIds,
		@Size(max = 50) List<@Size(max = 100) String> tags, @Size(max = 255) String accountLabel,
		@Size(max = 255) String accountEmail, @Size(max = 255) String username, Instant tokenExpiresAt,
		@Min(1) @Max(4) Integer securityLevel, @Size(max = MAX_VALUE) String refreshToken,
		@Size(max = 255) String oauthClientId, @Size(max = MAX_VALUE) String oauthClientSecret,
		@Size(max = 2048) String oauthAuthUrl, @Size(max = 2048) String oauthTokenUrl,
		@Size(max = 2048) String oauthScopes, Boolean pending,
		@Pattern(regexp = "user|agent|system") String createdByActorType, String createdByActorId,
		@Size(max = 200) String provisionedForService) {

	/** 64 KiB, the page's cap on a value (in characters here, bytes in the service). */
	static final int MAX_VALUE = 65536;

}
