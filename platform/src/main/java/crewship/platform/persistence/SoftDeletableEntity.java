package crewship.platform.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

import crewship.platform.ids.Timestamps;

/**
 * The seed's soft delete: {@code DELETE} sets {@code deleted_at} instead of removing the
 * row. Repositories of such entities filter on {@code deletedAt IS NULL}, and unique
 * indexes (slugs) are partial on {@code deleted_at IS NULL} so a deleted resource's slug
 * can be reused. {@code @Version} guards concurrent updates.
 */
@MappedSuperclass
public abstract class SoftDeletableEntity {

	@Column(name = "deleted_at")
	private Instant deletedAt;

	@Version
	private long version;

	public Instant getDeletedAt() {
		return this.deletedAt;
	}

	public boolean isDeleted() {
		return this.deletedAt != null;
	}

	/**
	 * @return whether this call deleted it (false when it already was)
	 */
	public boolean markDeleted() {
		if (this.deletedAt != null) {
			return false;
		}
		this.deletedAt = Timestamps.now();
		return true;
	}

	public long getVersion() {
		return this.version;
	}

}
