package crewship.vault.keeper;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.vault.credentials.RequestOrigin;

/**
 * Keeper decision entries on the workspace's audit trail, in the transaction of the
 * change they record. Metadata names what changed, never a secret.
 */
@Component
class KeeperJournal {

	private final AuditTrail trail;

	KeeperJournal(AuditTrail trail) {
		this.trail = trail;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	void record(String workspaceId, String actor, String action, String entityType, String entityId,
			Map<String, Object> metadata, RequestOrigin origin) {
		this.trail.record(new AuditRecord(workspaceId, actor, "keeper." + action, entityType, entityId, metadata,
				(origin != null) ? origin.ip() : null, (origin != null) ? origin.userAgent() : null));
	}

}
