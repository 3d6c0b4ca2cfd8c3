package crewship.platform.audit;

import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.events.DomainEvents;
import crewship.platform.events.Topics;

/**
 * Writes audit records through the outbox, in the transaction of the action they record:
 * an action that rolls back leaves no audit entry, and one that commits always has one.
 */
public class AuditTrail {

	private final DomainEvents events;

	public AuditTrail(DomainEvents events) {
		this.events = events;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public void record(AuditRecord record) {
		String key = (record.workspaceId() != null) ? record.workspaceId() : "instance";
		this.events.publishTo(Topics.AUDIT, key, AuditRecord.RECORDED, record.workspaceId(), record.entityId(),
				record.userId(), record);
	}

}
