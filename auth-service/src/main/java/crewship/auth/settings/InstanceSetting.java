package crewship.auth.settings;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Timestamps;

@Entity
@Table(name = "app_settings")
class InstanceSetting {

	@Id
	private String key;

	private String value;

	private Instant updatedAt;

	private String updatedBy;

	protected InstanceSetting() {
	}

	InstanceSetting(String key) {
		this.key = key;
	}

	void set(String value, String actor) {
		this.value = value;
		this.updatedBy = actor;
		this.updatedAt = Timestamps.now();
	}

	String getKey() {
		return this.key;
	}

	String getValue() {
		return this.value;
	}

	Instant getUpdatedAt() {
		return this.updatedAt;
	}

}
