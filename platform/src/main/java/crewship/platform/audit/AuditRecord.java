package crewship.platform.audit;

import java.util.Map;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One audit entry, as every service sends it on {@code crewship.audit.v1} (the
 * {@code data} of an {@code audit.recorded} event) and auth-service stores it.
 * {@code userId} is null for system actions, {@code workspaceId} for instance-level ones
 * (sign-in).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuditRecord(String workspaceId, String userId, String action, String entityType, String entityId,
		Map<String, Object> metadata, String ipAddress, String userAgent) {

	public static final String RECORDED = "audit.recorded";

}
