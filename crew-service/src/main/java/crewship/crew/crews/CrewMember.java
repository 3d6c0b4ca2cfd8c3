package crewship.crew.crews;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * A user on a crew's roster, with an optional per-crew role that wins over the workspace
 * role for crew-scoped permissions (null: inherit).
 */
@Entity
@Table(name = "crew_member")
class CrewMember {

	@Id
	String id;

	@Column(name = "crew_id")
	String crewId;

	@Column(name = "workspace_id")
	String workspaceId;

	@Column(name = "user_id")
	String userId;

	String role;

	@Column(name = "created_at")
	Instant createdAt;

	protected CrewMember() {
	}

	CrewMember(Crew crew, String userId, String role) {
		this.id = Cuid.next();
		this.crewId = crew.getId();
		this.workspaceId = crew.getWorkspaceId();
		this.userId = userId;
		this.role = role;
		this.createdAt = Timestamps.now();
	}

}
