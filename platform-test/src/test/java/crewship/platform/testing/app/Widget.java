package crewship.platform.testing.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.persistence.SoftDeletableEntity;

/** A minimal soft-deletable aggregate, as crews and agents will be. */
@Entity
@Table(name = "widget")
public class Widget extends SoftDeletableEntity {

	@Id
	private String id;

	private String workspaceId;

	private String slug;

	protected Widget() {
	}

	public Widget(String workspaceId, String slug) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.slug = slug;
	}

	public String getId() {
		return this.id;
	}

}
