package crewship.crew.skills;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;

/** A skill of the workspace's registry, imported from SKILL.md content. */
@Entity
@Table(name = "skill")
class Skill extends SoftDeletableEntity {

	@Id
	String id;

	@Column(name = "workspace_id")
	String workspaceId;

	String name;

	String slug;

	@Column(name = "display_name")
	String displayName;

	String description;

	String content;

	String category = "CUSTOM";

	String source = "IMPORTED";

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected Skill() {
	}

	Skill(String workspaceId, String name, String displayName, String description, String content) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.name = name;
		this.slug = name;
		this.displayName = displayName;
		this.description = description;
		this.content = content;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

}
