package crewship.vault.keeper;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.RequestOrigin;

/**
 * The workspace's watchdog settings. The second-approver rule reported is the one
 * enforced: the workspace toggle makes every tier need a second approver, otherwise the
 * critical tier (L4) always does.
 */
@Service
class KeeperGovernance {

	static final List<String> MODEL_PROVIDERS = List.of("ollama", "anthropic", "openai_compat");

	static final int TIER_FLOOR = 4;

	private static final List<String> LEVEL_LABELS = List.of("L1 · standard", "L2 · elevated", "L3 · sensitive",
			"L4 · critical");

	private static final Pattern PRESET = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

	private static final Pattern MODEL = Pattern.compile("[\\p{Alnum}._:/@+-]{1,200}");

	private final JdbcTemplate jdbc;

	private final WorkspaceReferences references;

	private final KeeperJournal journal;

	KeeperGovernance(JdbcTemplate jdbc, WorkspaceReferences references, KeeperJournal journal) {
		this.jdbc = jdbc;
		this.references = references;
		this.journal = journal;
	}

	record Change(Boolean enabled, String securityContactUserId, Integer denyNotifyMinRisk, String watchSpec,
			List<String> watchPresets, Boolean requireSecondApprover, Integer autoLeaseSeconds, String govModelProvider,
			String govModelId, String govModelCredentialId) {
	}

	record SecondApprover(int minSecurityLevel, String minSecurityLevelLabel, String source, int tierFloorSecurityLevel,
			String tierFloorLabel) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record View(boolean configured, boolean enabled, String securityContactUserId, int denyNotifyMinRisk,
			String watchSpec, List<String> watchPresets, boolean requireSecondApprover, int autoLeaseSeconds,
			String govModelProvider, String govModelId, String govModelCredentialId,
			SecondApprover effectiveSecondApprover, String warning) {
	}

	private record Row(boolean enabled, String securityContactUserId, int denyNotifyMinRisk, String watchSpec,
			List<String> watchPresets, boolean requireSecondApprover, int autoLeaseSeconds, String govModelProvider,
			String govModelId, String govModelCredentialId) {

		static final Row DEFAULTS = new Row(false, "", 7, "", List.of(), false, 0, "", "", "");

	}

	@Transactional(readOnly = true)
	View view(String workspaceId) {
		Optional<Row> stored = load(workspaceId, false);
		return view(stored.isPresent(), stored.orElse(Row.DEFAULTS), null);
	}

	@Transactional
	View update(String workspaceId, Change change, String actor, RequestOrigin origin) {
		if (change == null) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		Row current = load(workspaceId, true).orElse(Row.DEFAULTS);
		List<String> changed = new ArrayList<>();
		boolean enabled = pick(change.enabled(), current.enabled(), "enabled", changed);
		String contact = pick(trim(change.securityContactUserId()), current.securityContactUserId(),
				"security_contact_user_id", changed);
		if (change.securityContactUserId() != null && !contact.isEmpty()) {
			this.references.requireManager(workspaceId, contact, "security_contact_user_id");
		}
		int minRisk = pick(change.denyNotifyMinRisk(), current.denyNotifyMinRisk(), "deny_notify_min_risk", changed);
		if (minRisk < 1 || minRisk > 10) {
			throw ProblemException.badRequest("deny_notify_min_risk must be between 1 and 10");
		}
		String spec = pick(change.watchSpec(), current.watchSpec(), "watch_spec", changed);
		if (spec.length() > 8192) {
			throw ProblemException.badRequest("watch_spec is at most 8192 characters");
		}
		List<String> presets = pick(change.watchPresets(), current.watchPresets(), "watch_presets", changed);
		if (presets.size() > 50 || presets.stream().anyMatch(p -> p == null || !PRESET.matcher(p).matches())) {
			throw ProblemException.badRequest("watch_presets holds at most 50 lower-case preset names");
		}
		boolean second = pick(change.requireSecondApprover(), current.requireSecondApprover(),
				"require_second_approver", changed);
		int lease = pick(change.autoLeaseSeconds(), current.autoLeaseSeconds(), "auto_lease_seconds", changed);
		if (lease != 0 && (lease < 60 || lease > 30 * 24 * 3600)) {
			throw ProblemException.badRequest("auto_lease_seconds is 0 (off) or between 60 and 2592000 (30 days)");
		}
		String provider = pick(trim(change.govModelProvider()), current.govModelProvider(), "gov_model_provider",
				changed);
		if (!provider.isEmpty() && !MODEL_PROVIDERS.contains(provider)) {
			throw ProblemException.badRequest("gov_model_provider must be one of " + MODEL_PROVIDERS);
		}
		String model = pick(trim(change.govModelId()), current.govModelId(), "gov_model_id", changed);
		if (!model.isEmpty() && !MODEL.matcher(model).matches()) {
			throw ProblemException.badRequest("gov_model_id is not a model name");
		}
		String credential = pick(trim(change.govModelCredentialId()), current.govModelCredentialId(),
				"gov_model_credential_id", changed);
		if (change.govModelCredentialId() != null && !credential.isEmpty()) {
			this.references.requireCredential(workspaceId, credential, Set.of("ENDPOINT_URL", "API_KEY"),
					"gov_model_credential_id");
		}
		this.jdbc.update(connection -> {
			var statement = connection.prepareStatement(
					"""
							insert into keeper_governance (workspace_id, enabled, security_contact_user_id, deny_notify_min_risk,
							       watch_spec, watch_presets, require_second_approver, auto_lease_seconds, gov_model_provider,
							       gov_model_id, gov_model_credential_id, updated_by, updated_at)
							values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
							on conflict (workspace_id) do update set enabled = excluded.enabled,
							       security_contact_user_id = excluded.security_contact_user_id,
							       deny_notify_min_risk = excluded.deny_notify_min_risk, watch_spec = excluded.watch_spec,
							       watch_presets = excluded.watch_presets,
							       require_second_approver = excluded.require_second_approver,
							       auto_lease_seconds = excluded.auto_lease_seconds,
							       gov_model_provider = excluded.gov_model_provider, gov_model_id = excluded.gov_model_id,
							       gov_model_credential_id = excluded.gov_model_credential_id,
							       updated_by = excluded.updated_by, updated_at = excluded.updated_at
							""");
			statement.setString(1, workspaceId);
			statement.setBoolean(2, enabled);
			statement.setString(3, contact.isEmpty() ? null : contact);
			statement.setInt(4, minRisk);
			statement.setString(5, spec);
			statement.setArray(6, connection.createArrayOf("text", presets.toArray(String[]::new)));
			statement.setBoolean(7, second);
			statement.setInt(8, lease);
			statement.setString(9, provider);
			statement.setString(10, model);
			statement.setString(11, credential);
			statement.setString(12, actor);
			statement.setTimestamp(13, Timestamp.from(Timestamps.now()));
			return statement;
		});
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("changed", changed);
		this.journal.record(workspaceId, actor, "governance_updated", "keeper_governance", workspaceId, metadata,
				origin);
		String warning = (enabled && this.references.managers(workspaceId) == 0)
				? "No ADMIN or OWNER can receive Keeper findings in this workspace" : null;
		return view(true, load(workspaceId, false).orElseThrow(), warning);
	}

	private View view(boolean configured, Row row, String warning) {
		SecondApprover rule = row.requireSecondApprover()
				? new SecondApprover(1, LEVEL_LABELS.get(0), "workspace", TIER_FLOOR, LEVEL_LABELS.get(TIER_FLOOR - 1))
				: new SecondApprover(TIER_FLOOR, LEVEL_LABELS.get(TIER_FLOOR - 1), "tier", TIER_FLOOR,
						LEVEL_LABELS.get(TIER_FLOOR - 1));
		return new View(configured, row.enabled(), row.securityContactUserId(), row.denyNotifyMinRisk(),
				row.watchSpec(), row.watchPresets(), row.requireSecondApprover(), row.autoLeaseSeconds(),
				row.govModelProvider(), row.govModelId(), row.govModelCredentialId(), rule, warning);
	}

	private Optional<Row> load(String workspaceId, boolean forUpdate) {
		return this.jdbc
			.query("""
					select enabled, security_contact_user_id, deny_notify_min_risk, watch_spec, watch_presets,
					       require_second_approver, auto_lease_seconds, gov_model_provider, gov_model_id,
					       gov_model_credential_id
					  from keeper_governance where workspace_id = ?
					""" + (forUpdate ? " for update" : ""),
					(rs, n) -> new Row(rs.getBoolean(1), (rs.getString(2) != null) ? rs.getString(2) : "", rs.getInt(3),
							rs.getString(4), List.of((String[]) rs.getArray(5).getArray()), rs.getBoolean(6),
							rs.getInt(7), rs.getString(8), rs.getString(9), rs.getString(10)),
					workspaceId)
			.stream()
			.findFirst();
	}

	private static <T> T pick(T requested, T current, String name, List<String> changed) {
		if (requested == null) {
			return current;
		}
		changed.add(name);
		return requested;
	}

	private static String trim(String value) {
		return (value != null) ? value.trim() : null;
	}

}
