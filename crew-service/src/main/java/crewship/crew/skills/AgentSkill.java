package crewship.crew.skills;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/** A skill installed on an agent, with its per-assignment config (stored as-is). */
@Entity
@Table(name = "agent_skill")
class AgentSkill {

	@Id
	String id;

	@Column(name = "agent_id")
	String agentId;

	@Column(name = "skill_id")
	String skillId;

	String config;

	@Column(name = "created_at")
	Instant createdAt;

	protected AgentSkill() {
	}

	AgentSkill(String agentId, String skillId, String config) {
		this.id = Cuid.next();
		this.agentId = agentId;
		this.skillId = skillId;
		this.config = config;
		this.createdAt = Timestamps.now();
	}

}
