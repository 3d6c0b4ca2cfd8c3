package crewship.auth.settings;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.web.ProblemException;

/**
 * The instance-global key/value store. Values under the sensitive patterns are
 * write-only: they always read back as {@code ***}, in responses, events and audit
 * records alike. Bootstrap markers cannot be deleted.
 */
@Service
public class InstanceSettings {

	static final String REDACTED = "***";

	/** Bounded like every list; far above any real instance's settings. */
	static final int MAX_LISTED = 1000;

	static final int MAX_VALUE_LENGTH = 64 * 1024;

	private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$");

	private static final List<Pattern> SENSITIVE = List.of(Pattern.compile("^smtp\\.password.*"),
			Pattern.compile("^oauth\\.[^.]+\\.client_secret$"), Pattern.compile("^webhook\\.[^.]+\\.secret$"));

	static final Set<String> PROTECTED = Set.of("instance.bootstrap_at", "instance.first_user_id", "schema.version");

	private final InstanceSettingRepository settings;

	private final DomainEvents events;

	private final AuditTrail audit;

	InstanceSettings(InstanceSettingRepository settings, DomainEvents events, AuditTrail audit) {
		this.settings = settings;
		this.events = events;
		this.audit = audit;
	}

	/** A setting as clients see it: redacted when sensitive. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Setting(String key, String value, Instant updatedAt) {

		static Setting of(InstanceSetting setting) {
			return new Setting(setting.getKey(), isSensitive(setting.getKey()) ? REDACTED : setting.getValue(),
					setting.getUpdatedAt());
		}

	}

	static boolean isSensitive(String key) {
		return SENSITIVE.stream().anyMatch(pattern -> pattern.matcher(key).matches());
	}

	static void requireValidKey(String key) {
		if (key == null || !KEY.matcher(key).matches()) {
			throw ProblemException
				.badRequest("key must be 1-200 characters of letters, digits and . _ : - (starting alphanumeric)");
		}
	}

	@Transactional(readOnly = true)
	List<Setting> list() {
		return this.settings.findAllByOrderByKeyAsc(Limit.of(MAX_LISTED)).stream().map(Setting::of).toList();
	}

	@Transactional(readOnly = true)
	Setting get(String key) {
		requireValidKey(key);
		return this.settings.findById(key)
			.map(Setting::of)
			.orElseThrow(() -> ProblemException.notFound("Setting '" + key + "' not found"));
	}

	@Transactional
	public Setting put(String workspaceId, String actor, String key, String value) {
		requireValidKey(key);
		if (value.length() > MAX_VALUE_LENGTH) {
			throw ProblemException.badRequest("value must be at most " + MAX_VALUE_LENGTH + " characters");
		}
		InstanceSetting setting = this.settings.findById(key).orElseGet(() -> new InstanceSetting(key));
		setting.set(value, actor);
		Setting view = Setting.of(this.settings.saveAndFlush(setting));
		changed("instance_setting.updated", workspaceId, actor, view);
		return view;
	}

	@Transactional
	void delete(String workspaceId, String actor, String key) {
		requireValidKey(key);
		// before the lookup, so a probe cannot tell whether a marker was ever set
		if (PROTECTED.contains(key)) {
			throw ProblemException.forbidden("'" + key + "' is a bootstrap marker and cannot be deleted");
		}
		InstanceSetting setting = this.settings.findById(key)
			.orElseThrow(() -> ProblemException.notFound("Setting '" + key + "' not found"));
		this.settings.delete(setting);
		changed("instance_setting.deleted", workspaceId, actor, new Setting(key, null, null));
	}

	private void changed(String type, String workspaceId, String actor, Setting setting) {
		Map<String, Object> data = (setting.value() != null) ? Map.of("key", setting.key(), "value", setting.value())
				: Map.of("key", setting.key());
		this.events.publish(type, workspaceId, setting.key(), actor, data);
		this.audit
			.record(new AuditRecord(workspaceId, actor, type, "instance_setting", setting.key(), data, null, null));
	}

}
