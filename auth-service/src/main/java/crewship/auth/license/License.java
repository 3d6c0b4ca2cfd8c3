package crewship.auth.license;

import java.time.Instant;
import java.util.List;

/**
 * The edition and limits this instance runs under. {@code licensed} is false for the
 * community defaults: v0.1 gates nothing without a verified license, so limits are only
 * enforced when one is installed.
 */
public record License(String licenseId, String licenseeName, String licenseeOrg, String edition, int maxCrews,
		int maxAgentsPerCrew, int maxMembers, List<String> features, Instant issuedAt, Instant expiresAt,
		boolean licensed) {

	static License community() {
		return new License("", "", "", "community", 15, 10, 5, List.of(), null, null, false);
	}

}
