package crewship.vault.keeper;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;
import crewship.vault.probes.EndpointFence;
import tools.jackson.databind.JsonNode;

/**
 * The judge configuration: boot-time {@code KEEPER_*} settings with the workspace's
 * overrides on top. Overrides are kept per workspace, not per instance: in a multi-tenant
 * suite one workspace's admin must not repoint another workspace's judge. The endpoint's
 * userinfo (an Ollama proxy's basic-auth password, a token) is sealed in
 * {@code sealed_secrets} and shown only as {@code xxxxx}.
 */
@Service
@EnableConfigurationProperties(KeeperProperties.class)
public class KeeperConfigs {

	static final String USERINFO = "keeper_judge_userinfo";

	static final String REDACTED = "xxxxx";

	static final String PROVIDER = "ollama";

	private static final Pattern MODEL = Pattern.compile("[\\p{Alnum}._:/@+-]{1,200}");

	private final JdbcTemplate jdbc;

	private final KeeperProperties boot;

	private final SealedSecrets secrets;

	private final KeeperJournal journal;

	private final EndpointFence fence;

	KeeperConfigs(JdbcTemplate jdbc, KeeperProperties boot, SealedSecrets secrets, KeeperJournal journal,
			EndpointFence fence) {
		this.fence = fence;
		this.jdbc = jdbc;
		this.boot = boot;
		this.secrets = secrets;
		this.journal = journal;
	}

	/** A workspace's overrides; null inherits. */
	static final class Overrides {

		Boolean enabled;

		String endpoint;

		String model;

		Integer timeoutMs;

		String profile;

		Boolean evidence;

		List<String> facts;

		Boolean hardGate;

		Integer escalateFrom;

		Boolean precedent;

		Integer precedentN;

		Integer consistency;

		Integer budget;

		String updatedBy;

		Instant updatedAt;

		boolean any() {
			return this.enabled != null || this.endpoint != null || this.model != null || this.timeoutMs != null
					|| this.profile != null || profileOverridden();
		}

		boolean profileOverridden() {
			return this.evidence != null || this.facts != null || this.hardGate != null || this.escalateFrom != null
					|| this.precedent != null || this.precedentN != null || this.consistency != null
					|| this.budget != null;
		}

	}

	/** The judge to dial: the endpoint carries its userinfo again, so never log it. */
	public record Judge(boolean enabled, URI endpoint, String model, int timeoutMs, JudgeProfile profile) {

		public boolean configured() {
			return this.endpoint != null && this.model != null;
		}

	}

	record ProfileView(Field<String> name, Field<Boolean> evidence, Field<List<String>> evidenceFacts,
			Field<Boolean> hardGate, Field<Integer> escalateFrom, Field<Boolean> precedent, Field<Integer> precedentN,
			Field<Integer> consistencySamples, Field<Integer> promptBudgetTokens, boolean overridden,
			List<String> choices, List<String> availableFacts, String stamp) {
	}

	record ConfigView(Field<Boolean> enabled, Field<String> judgeProvider, Field<String> judgeEndpointUrl,
			Field<String> judgeWire, Field<String> judgeModel, Field<Integer> judgeTimeoutMs, ProfileView judgeProfile,
			boolean overridden, Instant updatedAt, String updatedBy, boolean judgeConfigured) {
	}

	@Transactional(readOnly = true)
	public ConfigView view(String workspaceId) {
		Overrides o = load(workspaceId, false).orElseGet(Overrides::new);
		String bootEndpoint = (this.boot.judgeEndpointUrl() != null) ? redact(parseUrl(this.boot.judgeEndpointUrl()))
				: null;
		String endpointOverride = (o.endpoint != null)
				? redact(withUserinfo(URI.create(o.endpoint), hasUserinfo(workspaceId) ? REDACTED : null)) : null;
		Field<String> endpoint = Field.of(endpointOverride, bootEndpoint, "", "default");
		Field<String> model = Field.of(o.model, this.boot.judgeModel(), "", "default");
		Field<String> name = Field.of(o.profile, this.boot.judgeProfile(), JudgeProfile.DEFAULT, "default");
		JudgeProfile preset = JudgeProfile.named(name.value());
		Field<Boolean> evidence = fromProfile(o.evidence, preset.evidence());
		Field<List<String>> facts = fromProfile(o.facts, preset.evidenceFacts());
		Field<Boolean> hardGate = fromProfile(o.hardGate, preset.hardGate());
		Field<Integer> escalateFrom = fromProfile(o.escalateFrom, preset.escalateFrom());
		Field<Boolean> precedent = fromProfile(o.precedent, preset.precedent());
		Field<Integer> precedentN = fromProfile(o.precedentN, preset.precedentN());
		Field<Integer> consistency = fromProfile(o.consistency, preset.consistencySamples());
		Field<Integer> budget = fromProfile(o.budget, preset.promptBudgetTokens());
		String stamp = stamp(name.value(), evidence.value(), String.join(",", facts.value()), hardGate.value(),
				escalateFrom.value(), precedent.value(), precedentN.value(), consistency.value(), budget.value());
		ProfileView profile = new ProfileView(name, evidence, facts, hardGate, escalateFrom, precedent, precedentN,
				consistency, budget, o.profileOverridden(), JudgeProfile.CHOICES, JudgeProfile.AVAILABLE_FACTS, stamp);
		return new ConfigView(Field.of(o.enabled, this.boot.enabled(), false, "default"),
				new Field<>(PROVIDER, "default", false), endpoint, new Field<>(PROVIDER, "default", false), model,
				Field.of(o.timeoutMs, this.boot.judgeTimeoutMs(), KeeperProperties.DEFAULT_TIMEOUT_MS, "default"),
				profile, o.any(), o.updatedAt, o.updatedBy, !endpoint.value().isEmpty() && !model.value().isEmpty());
	}

	/** The effective judge with its secret restored, for dialling. */
	@Transactional(readOnly = true)
	public Judge judge(String workspaceId) {
		Overrides o = load(workspaceId, false).orElseGet(Overrides::new);
		URI endpoint = null;
		if (o.endpoint != null) {
			endpoint = withUserinfo(URI.create(o.endpoint),
					this.secrets.open(new Owner(USERINFO, workspaceId)).orElse(null));
		}
		else if (this.boot.judgeEndpointUrl() != null) {
			endpoint = parseUrl(this.boot.judgeEndpointUrl());
		}
		String model = (o.model != null) ? o.model : this.boot.judgeModel();
		int timeout = (o.timeoutMs != null) ? o.timeoutMs : (this.boot.judgeTimeoutMs() != null)
				? this.boot.judgeTimeoutMs() : KeeperProperties.DEFAULT_TIMEOUT_MS;
		String profile = (o.profile != null) ? o.profile
				: (this.boot.judgeProfile() != null) ? this.boot.judgeProfile() : JudgeProfile.DEFAULT;
		boolean enabled = (o.enabled != null) ? o.enabled : Boolean.TRUE.equals(this.boot.enabled());
		return new Judge(enabled, endpoint, model, timeout, JudgeProfile.named(profile));
	}

	/**
	 * Applies a partial update: an absent field is unchanged, {@code ""} / {@code 0} /
	 * {@code null} clears the override.
	 */
	@Transactional
	public ConfigView update(String workspaceId, String actor, JsonNode body, RequestOrigin origin) {
		if (body == null || !body.isObject()) {
			throw ProblemException.badRequest("The body must be a JSON object");
		}
		this.jdbc.update("""
				insert into keeper_config (workspace_id, updated_by, updated_at) values (?, ?, ?)
				on conflict (workspace_id) do nothing
				""", workspaceId, actor, Timestamp.from(Timestamps.now()));
		Overrides o = load(workspaceId, true).orElseThrow();
		List<String> changed = new ArrayList<>();
		if (body.has("enabled")) {
			o.enabled = triState(body, "enabled");
			changed.add("enabled");
		}
		if (body.has("judge_endpoint_url")) {
			setEndpoint(workspaceId, o, text(body, "judge_endpoint_url"));
			changed.add("judge_endpoint_url");
		}
		if (body.has("judge_model")) {
			String model = text(body, "judge_model");
			if (model != null && !MODEL.matcher(model).matches()) {
				throw ProblemException.badRequest("judge_model is not a model name");
			}
			o.model = model;
			changed.add("judge_model");
		}
		if (body.has("judge_timeout_ms")) {
			o.timeoutMs = number(body, "judge_timeout_ms", 100, 60_000);
			changed.add("judge_timeout_ms");
		}
		if (body.has("judge_profile")) {
			String profile = text(body, "judge_profile");
			if (profile != null && !JudgeProfile.exists(profile)) {
				throw ProblemException.badRequest("judge_profile must be one of " + JudgeProfile.CHOICES);
			}
			o.profile = profile;
			changed.add("judge_profile");
		}
		if (body.has("judge_evidence")) {
			o.evidence = triState(body, "judge_evidence");
			changed.add("judge_evidence");
		}
		if (body.has("judge_hard_gate")) {
			o.hardGate = triState(body, "judge_hard_gate");
			changed.add("judge_hard_gate");
		}
		if (body.has("judge_precedent")) {
			o.precedent = triState(body, "judge_precedent");
			changed.add("judge_precedent");
		}
		if (body.has("judge_evidence_facts")) {
			o.facts = facts(body.get("judge_evidence_facts"));
			changed.add("judge_evidence_facts");
		}
		if (body.has("judge_escalate_from")) {
			o.escalateFrom = number(body, "judge_escalate_from", 1, 10);
			changed.add("judge_escalate_from");
		}
		if (body.has("judge_precedent_n")) {
			o.precedentN = number(body, "judge_precedent_n", 1, 100);
			changed.add("judge_precedent_n");
		}
		if (body.has("judge_consistency_samples")) {
			o.consistency = number(body, "judge_consistency_samples", 1, 5);
			changed.add("judge_consistency_samples");
		}
		if (body.has("judge_prompt_budget_tokens")) {
			o.budget = number(body, "judge_prompt_budget_tokens", 1, 200_000);
			changed.add("judge_prompt_budget_tokens");
		}
		for (String fixed : List.of("judge_provider", "judge_wire")) {
			String value = body.has(fixed) ? text(body, fixed) : null;
			if (value != null && !PROVIDER.equals(value)) {
				throw ProblemException.badRequest(fixed + " is not editable: the judge speaks " + PROVIDER);
			}
		}
		save(workspaceId, o, actor);
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("changed", changed);
		this.journal.record(workspaceId, actor, "config_updated", "keeper_config", workspaceId, metadata, origin);
		return view(workspaceId);
	}

	/** Back to the boot-time settings: the overrides and the sealed userinfo are gone. */
	@Transactional
	public ConfigView clear(String workspaceId, String actor, RequestOrigin origin) {
		int cleared = this.jdbc.update("delete from keeper_config where workspace_id = ?", workspaceId);
		this.secrets.delete(new Owner(USERINFO, workspaceId));
		this.journal.record(workspaceId, actor, "config_cleared", "keeper_config", workspaceId,
				Map.of("had_overrides", cleared > 0), origin);
		return view(workspaceId);
	}

	private void setEndpoint(String workspaceId, Overrides o, String value) {
		Owner owner = new Owner(USERINFO, workspaceId);
		if (value == null) {
			o.endpoint = null;
			this.secrets.delete(owner);
			return;
		}
		URI uri = parseUrl(value);
		// refused now rather than at every request the judge could then never answer
		this.fence.refusal(uri).ifPresent(reason -> {
			throw ProblemException.badRequest("judge_endpoint_url: " + reason);
		});
		String userinfo = uri.getRawUserInfo();
		if (userinfo != null && (userinfo.equals(REDACTED) || userinfo.endsWith(":" + REDACTED))) {
			// the redacted form read back from GET: the stored secret stays
			if (!this.secrets.exists(owner)) {
				throw ProblemException.badRequest("judge_endpoint_url carries a redacted password and none is stored");
			}
		}
		else if (userinfo != null) {
			this.secrets.put(owner, userinfo);
		}
		else {
			this.secrets.delete(owner);
		}
		o.endpoint = withUserinfo(uri, null).toString();
	}

	private boolean hasUserinfo(String workspaceId) {
		return this.secrets.exists(new Owner(USERINFO, workspaceId));
	}

	/** An absolute http(s) URL with a host, at most 2048 characters. */
	static URI parseUrl(String value) {
		if (value.length() > 2048) {
			throw ProblemException.badRequest("judge_endpoint_url is at most 2048 characters");
		}
		try {
			URI uri = new URI(value.trim());
			if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
				throw ProblemException.badRequest("judge_endpoint_url must be an http(s) URL with a host");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw ProblemException.badRequest("judge_endpoint_url is not a URL");
		}
	}

	static URI withUserinfo(URI uri, String rawUserinfo) {
		StringBuilder url = new StringBuilder(uri.getScheme()).append("://");
		if (rawUserinfo != null) {
			url.append(rawUserinfo).append('@');
		}
		url.append(uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf('@') + 1));
		if (uri.getRawPath() != null) {
			url.append(uri.getRawPath());
		}
		if (uri.getRawQuery() != null) {
			url.append('?').append(uri.getRawQuery());
		}
		return URI.create(url.toString());
	}

	/** Userinfo replaced: a user name alone is often the token itself, so it goes too. */
	static String redact(URI uri) {
		return withUserinfo(uri, (uri.getRawUserInfo() != null) ? REDACTED : null).toString();
	}

	private static <T> Field<T> fromProfile(T override, T preset) {
		return (override != null) ? new Field<>(override, "instance", true) : new Field<>(preset, "profile", true);
	}

	/** A short fingerprint of the effective profile, so a client can tell two apart. */
	private static String stamp(Object... values) {
		String canonical = java.util.Arrays.stream(values)
			.map(String::valueOf)
			.collect(java.util.stream.Collectors.joining("|"));
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 6);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static Boolean triState(JsonNode body, String name) {
		JsonNode node = body.get(name);
		if (node.isNull()) {
			return null;
		}
		if (!node.isBoolean()) {
			throw ProblemException.badRequest(name + " must be true, false or null");
		}
		return node.booleanValue();
	}

	/** A string; {@code ""} or {@code null} clears. */
	static String text(JsonNode body, String name) {
		JsonNode node = body.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw ProblemException.badRequest(name + " must be a string");
		}
		String value = node.asString().trim();
		return value.isEmpty() ? null : value;
	}

	/** A whole number in range; {@code 0} or {@code null} clears. */
	static Integer number(JsonNode body, String name, int min, int max) {
		JsonNode node = body.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt()) {
			throw ProblemException.badRequest(name + " must be a whole number");
		}
		int value = node.intValue();
		if (value == 0) {
			return null;
		}
		if (value < min || value > max) {
			throw ProblemException.badRequest(name + " must be between " + min + " and " + max + " (0 clears it)");
		}
		return value;
	}

	/** A comma-separated string or an array of facts; empty clears. */
	private static List<String> facts(JsonNode node) {
		List<String> facts = new ArrayList<>();
		if (node == null || node.isNull()) {
			return null;
		}
		if (node.isString()) {
			Arrays.stream(node.asString().split(",")).map(String::trim).filter(f -> !f.isEmpty()).forEach(facts::add);
		}
		else if (node.isArray()) {
			for (JsonNode item : node) {
				if (!item.isString()) {
					throw ProblemException.badRequest("judge_evidence_facts holds strings");
				}
				facts.add(item.asString().trim());
			}
		}
		else {
			throw ProblemException.badRequest("judge_evidence_facts must be a comma-separated string or an array");
		}
		for (String fact : facts) {
			if (!JudgeProfile.AVAILABLE_FACTS.contains(fact)) {
				throw ProblemException
					.badRequest("judge_evidence_facts may name only " + JudgeProfile.AVAILABLE_FACTS + ", not " + fact);
			}
		}
		return facts.isEmpty() ? null : facts.stream().distinct().toList();
	}

	private Optional<Overrides> load(String workspaceId, boolean forUpdate) {
		return this.jdbc.query("""
				select enabled, judge_endpoint_url, judge_model, judge_timeout_ms, judge_profile, judge_evidence,
				       judge_evidence_facts, judge_hard_gate, judge_escalate_from, judge_precedent, judge_precedent_n,
				       judge_consistency_samples, judge_prompt_budget_tokens, updated_by, updated_at
				  from keeper_config where workspace_id = ?
				""" + (forUpdate ? " for update" : ""), (rs, n) -> {
			Overrides o = new Overrides();
			o.enabled = bool(rs, 1);
			o.endpoint = rs.getString(2);
			o.model = rs.getString(3);
			o.timeoutMs = integer(rs, 4);
			o.profile = rs.getString(5);
			o.evidence = bool(rs, 6);
			Array facts = rs.getArray(7);
			o.facts = (facts != null) ? List.of((String[]) facts.getArray()) : null;
			o.hardGate = bool(rs, 8);
			o.escalateFrom = integer(rs, 9);
			o.precedent = bool(rs, 10);
			o.precedentN = integer(rs, 11);
			o.consistency = integer(rs, 12);
			o.budget = integer(rs, 13);
			o.updatedBy = rs.getString(14);
			o.updatedAt = rs.getTimestamp(15).toInstant();
			return o;
		}, workspaceId).stream().findFirst();
	}

	private void save(String workspaceId, Overrides o, String actor) {
		this.jdbc.update(connection -> {
			var statement = connection.prepareStatement("""
					update keeper_config set enabled = ?, judge_endpoint_url = ?, judge_model = ?, judge_timeout_ms = ?,
					       judge_profile = ?, judge_evidence = ?, judge_evidence_facts = ?, judge_hard_gate = ?,
					       judge_escalate_from = ?, judge_precedent = ?, judge_precedent_n = ?,
					       judge_consistency_samples = ?, judge_prompt_budget_tokens = ?, updated_by = ?, updated_at = ?
					 where workspace_id = ?
					""");
			nullable(statement, 1, o.enabled, Types.BOOLEAN);
			statement.setString(2, o.endpoint);
			statement.setString(3, o.model);
			nullable(statement, 4, o.timeoutMs, Types.INTEGER);
			statement.setString(5, o.profile);
			nullable(statement, 6, o.evidence, Types.BOOLEAN);
			statement.setArray(7,
					(o.facts != null) ? connection.createArrayOf("text", o.facts.toArray(String[]::new)) : null);
			nullable(statement, 8, o.hardGate, Types.BOOLEAN);
			nullable(statement, 9, o.escalateFrom, Types.INTEGER);
			nullable(statement, 10, o.precedent, Types.BOOLEAN);
			nullable(statement, 11, o.precedentN, Types.INTEGER);
			nullable(statement, 12, o.consistency, Types.INTEGER);
			nullable(statement, 13, o.budget, Types.INTEGER);
			statement.setString(14, actor);
			statement.setTimestamp(15, Timestamp.from(Timestamps.now()));
			statement.setString(16, workspaceId);
			return statement;
		});
	}

	private static Boolean bool(ResultSet rs, int column) throws SQLException {
		boolean value = rs.getBoolean(column);
		return rs.wasNull() ? null : value;
	}

	private static Integer integer(ResultSet rs, int column) throws SQLException {
		int value = rs.getInt(column);
		return rs.wasNull() ? null : value;
	}

	static void nullable(PreparedStatement statement, int index, Object value, int sqlType) throws SQLException {
		if (value == null) {
			statement.setNull(index, sqlType);
		}
		else {
			statement.setObject(index, value, sqlType);
		}
	}

}
