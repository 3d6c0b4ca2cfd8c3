package crewship.auth.flags;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.data.domain.Limit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/** Flag definitions and the per-workspace overrides layered on them. */
@Service
class FeatureFlags {

	/** Bounded like every list; far above any real instance's flags. */
	static final int MAX_LISTED = 1000;

	private final FeatureFlagRepository flags;

	private final JdbcTemplate jdbc;

	private final DomainEvents events;

	private final AuditTrail audit;

	FeatureFlags(FeatureFlagRepository flags, JdbcTemplate jdbc, DomainEvents events, AuditTrail audit) {
		this.flags = flags;
		this.jdbc = jdbc;
		this.events = events;
		this.audit = audit;
	}

	/** A flag with the current workspace's override, omitted when there is none. */
	record Flag(String id, String key, String description, boolean enabled, int percentage, Instant createdAt,
			Instant updatedAt, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean overrideEnabled) {

		static Flag of(FeatureFlag flag, Boolean overrideEnabled) {
			return new Flag(flag.getId(), flag.getKey(), flag.getDescription(), flag.isEnabled(), flag.getPercentage(),
					flag.getCreatedAt(), flag.getUpdatedAt(), overrideEnabled);
		}

	}

	@Transactional(readOnly = true)
	List<Flag> list(String workspaceId) {
		Map<String, Boolean> overrides = new HashMap<>();
		if (workspaceId != null) {
			this.jdbc.query("select flag_id, enabled from feature_flag_overrides where workspace_id = ?", rs -> {
				overrides.put(rs.getString(1), rs.getBoolean(2));
			}, workspaceId);
		}
		return this.flags.findAllByOrderByKeyAsc(Limit.of(MAX_LISTED))
			.stream()
			.map(flag -> Flag.of(flag, overrides.get(flag.getId())))
			.toList();
	}

	@Transactional
	Flag create(String workspaceId, String actor, String key, String description, boolean enabled, int percentage) {
		if (this.flags.existsByKey(key)) {
			throw ProblemException.conflict("A feature flag with key '" + key + "' already exists");
		}
		FeatureFlag flag = this.flags.saveAndFlush(new FeatureFlag(key,
				(description == null || description.isEmpty()) ? null : description, enabled, percentage));
		Flag view = Flag.of(flag, null);
		changed("feature_flag.created", workspaceId, actor, key,
				Map.of("key", key, "enabled", enabled, "percentage", percentage));
		return view;
	}

	@Transactional
	Flag update(String workspaceId, String actor, String key, FlagChanges changes) {
		if (changes.isEmpty()) {
			throw ProblemException.badRequest("No fields to update: send description, enabled or percentage");
		}
		FeatureFlag flag = find(key);
		flag.update(changes);
		this.flags.flush();
		changed("feature_flag.updated", workspaceId, actor, key,
				Map.of("key", key, "enabled", flag.isEnabled(), "percentage", flag.getPercentage()));
		return Flag.of(flag, override(flag.getId(), workspaceId));
	}

	@Transactional
	void delete(String workspaceId, String actor, String key) {
		FeatureFlag flag = find(key);
		this.flags.delete(flag); // overrides go with it (on delete cascade)
		changed("feature_flag.deleted", workspaceId, actor, key, Map.of("key", key));
	}

	@Transactional
	void setOverride(String workspaceId, String actor, String key, boolean enabled) {
		FeatureFlag flag = find(key);
		this.jdbc
			.update("""
					insert into feature_flag_overrides (flag_id, workspace_id, enabled, updated_at) values (?, ?, ?, ?)
					on conflict (flag_id, workspace_id) do update set enabled = excluded.enabled, updated_at = excluded.updated_at""",
					flag.getId(), workspaceId, enabled, Timestamp.from(Timestamps.now()));
		changed("feature_flag.override_set", workspaceId, actor, key, Map.of("key", key, "enabled", enabled));
	}

	@Transactional
	void clearOverride(String workspaceId, String actor, String key) {
		FeatureFlag flag = find(key);
		int removed = this.jdbc.update("delete from feature_flag_overrides where flag_id = ? and workspace_id = ?",
				flag.getId(), workspaceId);
		if (removed > 0) {
			changed("feature_flag.override_cleared", workspaceId, actor, key, Map.of("key", key));
		}
	}

	private Boolean override(String flagId, String workspaceId) {
		if (workspaceId == null) {
			return null;
		}
		List<Boolean> found = this.jdbc.queryForList(
				"select enabled from feature_flag_overrides where flag_id = ? and workspace_id = ?", Boolean.class,
				flagId, workspaceId);
		return found.isEmpty() ? null : found.get(0);
	}

	private FeatureFlag find(String key) {
		return this.flags.findByKey(key)
			.orElseThrow(() -> ProblemException.notFound("Feature flag '" + key + "' not found"));
	}

	private void changed(String type, String workspaceId, String actor, String key, Map<String, Object> data) {
		this.events.publish(type, workspaceId, key, actor, data);
		this.audit.record(new AuditRecord(workspaceId, actor, type, "feature_flag", key, data, null, null));
	}

}
