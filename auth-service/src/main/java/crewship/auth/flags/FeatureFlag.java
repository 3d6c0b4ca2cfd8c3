package crewship.auth.flags;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/** An instance-global flag: a default state and a rollout percentage. */
@Entity
@Table(name = "feature_flags")
class FeatureFlag {

	@Id
	private String id;

	private String key;

	private String description;

	private boolean enabled;

	private int percentage;

	private Instant createdAt;

	private Instant updatedAt;

	@Version
	private long version;

	protected FeatureFlag() {
	}

	FeatureFlag(String key, String description, boolean enabled, int percentage) {
		this.id = Cuid.next();
		this.key = key;
		this.description = description;
		this.enabled = enabled;
		this.percentage = percentage;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	void update(FlagChanges changes) {
		if (changes.description() != null) {
			this.description = changes.description().isEmpty() ? null : changes.description();
		}
		if (changes.enabled() != null) {
			this.enabled = changes.enabled();
		}
		if (changes.percentage() != null) {
			this.percentage = changes.percentage();
		}
		this.updatedAt = Timestamps.now();
	}

	String getId() {
		return this.id;
	}

	String getKey() {
		return this.key;
	}

	String getDescription() {
		return this.description;
	}

	boolean isEnabled() {
		return this.enabled;
	}

	int getPercentage() {
		return this.percentage;
	}

	Instant getCreatedAt() {
		return this.createdAt;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

}
