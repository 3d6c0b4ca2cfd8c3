package crewship.vault.keeper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.RequestOrigin;

/**
 * Evaluator (aux) model slots. A slot without an override follows the Keeper judge
 * ({@code source: keeper_config}); a credential is referenced by id, never copied, so the
 * key stays sealed with its credential.
 */
@Service
class KeeperAux {

	static final int DEFAULT_TIMEOUT_MS = 30_000;

	private static final Pattern MODEL = Pattern.compile("[\\p{Alnum}._:/@+-]{1,200}");

	private final JdbcTemplate jdbc;

	private final KeeperConfigs configs;

	private final WorkspaceReferences references;

	private final KeeperJournal journal;

	KeeperAux(JdbcTemplate jdbc, KeeperConfigs configs, WorkspaceReferences references, KeeperJournal journal) {
		this.jdbc = jdbc;
		this.configs = configs;
		this.references = references;
		this.journal = journal;
	}

	record SlotChange(String provider, String model, Integer timeoutMs, String credentialId) {
	}

	record SlotView(String slot, String label, Field<String> provider, Field<String> model, Field<Integer> timeoutMs,
			Field<String> credentialId, boolean overridden, Instant updatedAt, String updatedBy) {
	}

	record AuxView(List<SlotView> slots, List<String> providers, String judgeProvider, String judgeModel,
			boolean anyOverridden) {
	}

	/** What a slot resolves to, for a probe. */
	record Resolved(AuxSlot slot, String provider, String model, int timeoutMs, String credentialId) {
	}

	private record Row(String provider, String model, Integer timeoutMs, String credentialId, String updatedBy,
			Instant updatedAt) {
	}

	@Transactional(readOnly = true)
	AuxView view(String workspaceId) {
		Map<String, Row> rows = rows(workspaceId);
		KeeperConfigs.ConfigView judge = this.configs.view(workspaceId);
		String judgeModel = judge.judgeModel().value();
		List<SlotView> slots = new ArrayList<>();
		for (AuxSlot slot : AuxSlot.values()) {
			Row row = rows.get(slot.key);
			Row r = (row != null) ? row : new Row(null, null, null, null, null, null);
			slots.add(new SlotView(slot.key, slot.label, field(r.provider(), KeeperConfigs.PROVIDER, "keeper_config"),
					field(r.model(), judgeModel, "keeper_config"), field(r.timeoutMs(), DEFAULT_TIMEOUT_MS, "default"),
					field(r.credentialId(), "", "default"), row != null, r.updatedAt(), r.updatedBy()));
		}
		return new AuxView(slots, AuxSlot.PROVIDERS, KeeperConfigs.PROVIDER, judgeModel, !rows.isEmpty());
	}

	@Transactional(readOnly = true)
	Resolved resolve(String workspaceId, AuxSlot slot) {
		SlotView view = view(workspaceId).slots().get(slot.ordinal());
		return new Resolved(slot, view.provider().value(), view.model().value(), view.timeoutMs().value(),
				view.credentialId().value());
	}

	/** Partial: absent fields stay, {@code ""} / {@code 0} clear. */
	@Transactional
	AuxView update(String workspaceId, String slotName, SlotChange change, String actor, RequestOrigin origin) {
		AuxSlot slot = AuxSlot.of(slotName);
		if (change == null) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		Timestamp now = Timestamp.from(Timestamps.now());
		this.jdbc.update("""
				insert into keeper_aux_overrides (workspace_id, slot, updated_by, updated_at) values (?, ?, ?, ?)
				on conflict (workspace_id, slot) do nothing
				""", workspaceId, slot.key, actor, now);
		List<String> changed = new ArrayList<>();
		if (change.provider() != null) {
			String provider = blankToNull(change.provider());
			if (provider != null && !AuxSlot.PROVIDERS.contains(provider)) {
				throw ProblemException.badRequest("provider must be one of " + AuxSlot.PROVIDERS);
			}
			set(workspaceId, slot, "provider", provider);
			changed.add("provider");
		}
		if (change.model() != null) {
			String model = blankToNull(change.model());
			if (model != null && !MODEL.matcher(model).matches()) {
				throw ProblemException.badRequest("model is not a model name");
			}
			set(workspaceId, slot, "model", model);
			changed.add("model");
		}
		if (change.timeoutMs() != null) {
			int timeout = change.timeoutMs();
			if (timeout != 0 && (timeout < 1000 || timeout > 600_000)) {
				throw ProblemException.badRequest("timeout_ms must be between 1000 and 600000 (0 clears it)");
			}
			set(workspaceId, slot, "timeout_ms", (timeout != 0) ? timeout : null);
			changed.add("timeout_ms");
		}
		if (change.credentialId() != null) {
			String credentialId = blankToNull(change.credentialId());
			if (credentialId != null) {
				this.references.requireCredential(workspaceId, credentialId, Set.of("API_KEY"), "credential_id");
			}
			set(workspaceId, slot, "credential_id", credentialId);
			changed.add("credential_id");
		}
		this.jdbc.update(
				"update keeper_aux_overrides set updated_by = ?, updated_at = ? where workspace_id = ? and slot = ?",
				actor, now, workspaceId, slot.key);
		// a row that overrides nothing is no override
		this.jdbc.update("""
				delete from keeper_aux_overrides where workspace_id = ? and slot = ? and provider is null
				   and model is null and timeout_ms is null and credential_id is null
				""", workspaceId, slot.key);
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("slot", slot.key);
		metadata.put("changed", changed);
		this.journal.record(workspaceId, actor, "aux_updated", "keeper_aux", slot.key, metadata, origin);
		return view(workspaceId);
	}

	@Transactional
	AuxView clear(String workspaceId, String slotName, String actor, RequestOrigin origin) {
		if (slotName != null) {
			AuxSlot slot = AuxSlot.of(slotName);
			this.jdbc.update("delete from keeper_aux_overrides where workspace_id = ? and slot = ?", workspaceId,
					slot.key);
		}
		else {
			this.jdbc.update("delete from keeper_aux_overrides where workspace_id = ?", workspaceId);
		}
		String slot = (slotName != null) ? AuxSlot.of(slotName).key : "*";
		this.journal.record(workspaceId, actor, "aux_cleared", "keeper_aux", slot, Map.of("slot", slot), origin);
		return view(workspaceId);
	}

	/**
	 * Every slot onto the judge's provider and model; their credentials no longer apply.
	 */
	@Transactional
	AuxView useJudge(String workspaceId, String actor, RequestOrigin origin) {
		KeeperConfigs.ConfigView judge = this.configs.view(workspaceId);
		if (!judge.judgeConfigured()) {
			throw ProblemException.badRequest("The Keeper judge needs both an endpoint and a model first");
		}
		Timestamp now = Timestamp.from(Timestamps.now());
		for (AuxSlot slot : AuxSlot.values()) {
			this.jdbc.update(
					"""
							insert into keeper_aux_overrides (workspace_id, slot, provider, model, credential_id, updated_by, updated_at)
							values (?, ?, ?, ?, null, ?, ?)
							on conflict (workspace_id, slot) do update
							   set provider = excluded.provider, model = excluded.model, credential_id = null,
							       updated_by = excluded.updated_by, updated_at = excluded.updated_at
							""",
					workspaceId, slot.key, KeeperConfigs.PROVIDER, judge.judgeModel().value(), actor, now);
		}
		this.journal.record(workspaceId, actor, "aux_use_judge", "keeper_aux", "*",
				Map.of("model", judge.judgeModel().value()), origin);
		return view(workspaceId);
	}

	private void set(String workspaceId, AuxSlot slot, String column, Object value) {
		// column names come from this class only, never from the request
		this.jdbc.update("update keeper_aux_overrides set " + column + " = ? where workspace_id = ? and slot = ?",
				value, workspaceId, slot.key);
	}

	private Map<String, Row> rows(String workspaceId) {
		Map<String, Row> rows = new HashMap<>();
		this.jdbc.query("""
				select slot, provider, model, timeout_ms, credential_id, updated_by, updated_at
				  from keeper_aux_overrides where workspace_id = ?
				""", rs -> {
			int timeout = rs.getInt(4);
			rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), rs.wasNull() ? null : timeout,
					rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
		}, workspaceId);
		return rows;
	}

	private static <T> Field<T> field(T override, T fallback, String source) {
		return (override != null) ? new Field<>(override, "instance", true) : new Field<>(fallback, source, true);
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
