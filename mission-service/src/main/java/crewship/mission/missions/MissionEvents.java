package crewship.mission.missions;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import crewship.mission.missions.MissionStore.Mission;
import crewship.mission.missions.MissionStore.Task;
import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;

/**
 * A mission's events on {@code crewship.mission.v1}, all keyed by the mission id (a
 * mission's events stay in order), each with {@code mission_id} and {@code crew_id} in
 * its data so realtime delivers it on {@code mission:{id}} and {@code crew:{id}}; and the
 * audit record of each lifecycle action. Both through the outbox, in the caller's
 * transaction.
 */
@Component
public class MissionEvents {

	static final String TOPIC = Topics.domain("mission");

	private final DomainEvents events;

	private final AuditTrail audit;

	private final MissionStore store;

	MissionEvents(DomainEvents events, AuditTrail audit, MissionStore store) {
		this.events = events;
		this.audit = audit;
		this.store = store;
	}

	public void created(Mission mission, String actor) {
		Map<String, Object> data = missionData(mission, mission.status());
		data.put("lead_agent_id", mission.leadAgentId());
		data.put("description", mission.description());
		publish("mission.created", mission, mission.id(), actor, data);
	}

	/** {@code mission.updated} with the mission's status as it is now. */
	public void updated(Mission mission, MissionStatus status, String actor) {
		publish("mission.updated", mission, mission.id(), actor, missionData(mission, status));
	}

	public void deleted(Mission mission, String actor) {
		Map<String, Object> data = missionData(mission, mission.status());
		data.put("deleted", true);
		this.events.publishTo(TOPIC, mission.id(), "mission.deleted", mission.workspaceId(), mission.id(), actor, data);
	}

	/** {@code task.updated} with the task's status as it is now. */
	public void taskUpdated(Mission mission, Task task, TaskStatus status, String actor) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", task.id());
		data.put("mission_id", mission.id());
		data.put("crew_id", mission.crewId());
		data.put("title", task.title());
		data.put("status", status.name());
		if (task.assignedAgentId() != null) {
			data.put("assigned_agent_id", task.assignedAgentId());
		}
		publish("task.updated", mission, task.id(), actor, data);
	}

	/** The audit entry of a lifecycle action ({@code mission.start}, …). */
	public void audit(Mission mission, String userId, String action, Map<String, Object> metadata) {
		Map<String, Object> data = new LinkedHashMap<>(metadata);
		data.putIfAbsent("crew_id", mission.crewId());
		data.putIfAbsent("title", mission.title());
		this.audit
			.record(new AuditRecord(mission.workspaceId(), userId, action, "mission", mission.id(), data, null, null));
	}

	private void publish(String type, Mission mission, String subject, String actor, Map<String, Object> data) {
		EventEnvelope event = this.events.publishTo(TOPIC, mission.id(), type, mission.workspaceId(), subject, actor,
				data);
		this.store.setLastEvent(mission.id(), event.id());
	}

	private static Map<String, Object> missionData(Mission mission, MissionStatus status) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", mission.id());
		data.put("mission_id", mission.id());
		data.put("crew_id", mission.crewId());
		data.put("title", mission.title());
		data.put("status", status.name());
		return data;
	}

}
