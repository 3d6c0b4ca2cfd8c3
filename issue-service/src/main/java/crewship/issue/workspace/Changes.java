package crewship.issue.workspace;

import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;

/**
 * Every change leaves two traces in its own transaction: the domain event on
 * {@code crewship.issue.v1} (the WebSocket event name, so every browser's board updates)
 * and an audit record. One method, so no write path can forget either.
 */
@Component
public class Changes {

	private final DomainEvents events;

	private final AuditTrail audit;

	Changes(DomainEvents events, AuditTrail audit) {
		this.events = events;
		this.audit = audit;
	}

	/**
	 * @param type the event name, also the audit action
	 * @param entityType what changed ({@code issue}, {@code label}, ...)
	 * @param actor the user, or null for the system (a run's outcome)
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void record(String type, String workspaceId, String entityType, String subject, String actor,
			Map<String, Object> data) {
		this.events.publish(type, workspaceId, subject, actor, data);
		this.audit.record(new AuditRecord(workspaceId, actor, type, entityType, subject, data, null, null));
	}

	/**
	 * An event of the cross-service contract that is no change of its own. Its audit
	 * record keeps only the fields named: a request's text (an issue's description) is
	 * the event's business, not the audit log's.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public void request(String type, String workspaceId, String subject, String actor, Map<String, Object> data,
			java.util.Set<String> audited) {
		this.events.publish(type, workspaceId, subject, actor, data);
		Map<String, Object> metadata = new java.util.LinkedHashMap<>();
		data.forEach((key, value) -> {
			if (audited.contains(key)) {
				metadata.put(key, value);
			}
		});
		this.audit.record(new AuditRecord(workspaceId, actor, type, "issue", subject, metadata, null, null));
	}

}
