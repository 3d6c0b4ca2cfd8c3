package crewship.webhook.pipelines;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.events.DomainEvents;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;
import crewship.platform.web.ProblemException;
import crewship.webhook.runs.RunStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pipeline webhooks of a workspace: created with a token (the URL) and a signing secret
 * the vault keeps, listed with their fire telemetry, soft-deleted. Each change and its
 * event (and audit record) share one transaction with the vault call, so a webhook whose
 * secret the vault did not take is never kept, and a webhook is not deleted while the
 * vault still verifies deliveries for it.
 */
@Service
class PipelineWebhooks {

	private static final Logger log = LoggerFactory.getLogger(PipelineWebhooks.class);

	/** The token prefix: recognisable in logs and secret scanners. */
	static final String TOKEN_PREFIX = "cswh_";

	private static final String SELECT = """
			select w.*, fires.fire_count, latest.id as last_run_id, latest.status as last_status,
			       latest.received_at as last_fired_at
			  from pipeline_webhook w
			  left join lateral (select count(*) as fire_count from webhook_delivery d
			                      where d.target_kind = 'PIPELINE' and d.target_id = w.id) fires on true
			  left join lateral (select d.id, d.status, d.received_at from webhook_delivery d
			                      where d.target_kind = 'PIPELINE' and d.target_id = w.id
			                      order by d.received_at desc limit 1) latest on true
			""";

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final WorkspaceAccess access;

	private final DomainEvents events;

	private final AuditTrail audit;

	private final SigningSecretVault vault;

	private final TransactionTemplate transactions;

	PipelineWebhooks(JdbcTemplate jdbc, JsonMapper json, WorkspaceAccess access, DomainEvents events, AuditTrail audit,
			SigningSecretVault vault, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.json = json;
		this.access = access;
		this.events = events;
		this.audit = audit;
		this.vault = vault;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	/** What a delivery to a live token needs. */
	record Target(String id, String workspaceId, String targetPipelineId, String targetPipelineSlug,
			Integer targetPipelineVersion, JsonNode inputsTemplate, int rateLimitPerMin) {
	}

	PipelineWebhookView create(IdentityAssertion caller, String workspaceId, CreatePipelineWebhook request) {
		this.access.require(caller, workspaceId, Action.CREATE);
		if (request.targetPipelineSlug() == null && request.targetPipelineId() == null) {
			throw ProblemException.badRequest("target_pipeline_slug or target_pipeline_id is required");
		}
		String name = (request.name() != null && !request.name().isBlank()) ? request.name().trim()
				: request.targetPipelineSlug();
		if (name == null) {
			throw ProblemException.badRequest("name is required when the target is given by target_pipeline_id");
		}
		JsonNode template = (request.inputsTemplate() != null && !request.inputsTemplate().isNull())
				? request.inputsTemplate() : this.json.createObjectNode();
		if (!template.isObject()) {
			throw ProblemException.badRequest("inputs_template must be a JSON object");
		}
		String id = Cuid.next();
		String token = TOKEN_PREFIX + Secrets.randomHex(32);
		String tokenSha256 = Secrets.sha256Hex(token);
		boolean enabled = !Boolean.FALSE.equals(request.enabled());
		int rate = (request.rateLimitPerMin() != null) ? request.rateLimitPerMin() : 0;
		Instant now = Timestamps.now();
		String[] secret = new String[1];
		try {
			return this.transactions.execute(status -> {
				this.jdbc.update("""
						insert into pipeline_webhook (id, workspace_id, name, token, token_sha256, target_pipeline_id,
						       target_pipeline_slug, target_pipeline_version, inputs_template, enabled,
						       rate_limit_per_min, created_by, created_at, updated_at)
						values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
						""", id, workspaceId, name, token, tokenSha256, request.targetPipelineId(),
						request.targetPipelineSlug(), request.targetPipelineVersion(),
						this.json.writeValueAsString(template), enabled, rate, caller.subject(), Timestamp.from(now),
						Timestamp.from(now));
				PipelineWebhookView view = find(workspaceId, id).orElseThrow();
				this.events.publish("pipeline_webhook.created", workspaceId, id, caller.subject(), eventData(view));
				this.audit.record(new AuditRecord(workspaceId, caller.subject(), "pipeline_webhook.created",
						"pipeline_webhook", id,
						Map.of("name", name, "generated_secret", request.signingSecret() == null), null, null));
				// last: the vault is the one step that cannot be rolled back with the
				// rest
				secret[0] = this.vault.mint(tokenSha256, workspaceId, caller.subject(), request.signingSecret(),
						enabled);
				return view.withSigningSecret(secret[0]);
			});
		}
		catch (RuntimeException ex) {
			if (secret[0] != null) {
				// the vault kept a secret for a webhook that was not committed: drop it
				// (nobody holds the token, but no orphan should verify)
				try {
					this.vault.delete(tokenSha256);
				}
				catch (RuntimeException cleanup) {
					log.warn("Orphan signing secret of an uncommitted pipeline webhook was not deleted: {}",
							cleanup.toString());
				}
			}
			throw ex;
		}
	}

	List<PipelineWebhookView> list(IdentityAssertion caller, String workspaceId, PageParams page) {
		this.access.require(caller, workspaceId, Action.READ);
		return this.jdbc.query(SELECT + """
				 where w.workspace_id = ? and w.deleted_at is null
				 order by w.created_at desc, w.id desc limit ? offset ?
				""", this::view, workspaceId, page.limit(), page.offset());
	}

	void delete(IdentityAssertion caller, String workspaceId, String webhookId) {
		this.access.require(caller, workspaceId, Action.MANAGE);
		this.transactions.executeWithoutResult(status -> {
			PipelineWebhookView view = find(workspaceId, webhookId)
				.orElseThrow(() -> ProblemException.notFound("Pipeline webhook not found"));
			Instant now = Timestamps.now();
			int deleted = this.jdbc.update(
					"update pipeline_webhook set deleted_at = ?, updated_at = ? where id = ? and deleted_at is null",
					Timestamp.from(now), Timestamp.from(now), webhookId);
			if (deleted == 0) {
				throw ProblemException.notFound("Pipeline webhook not found");
			}
			this.events.publish("pipeline_webhook.deleted", workspaceId, webhookId, caller.subject(), eventData(view));
			this.audit.record(new AuditRecord(workspaceId, caller.subject(), "pipeline_webhook.deleted",
					"pipeline_webhook", webhookId, Map.of("name", view.name()), null, null));
			// the vault forgets the token before the row is gone: a failure rolls the
			// delete back, so it never looks deleted while deliveries still verify
			this.vault.delete(Secrets.sha256Hex(view.token()));
		});
	}

	/** A live (enabled, not deleted) webhook by its token's SHA-256. */
	Optional<Target> live(String tokenSha256) {
		return this.jdbc
			.query("""
					select id, workspace_id, target_pipeline_id, target_pipeline_slug, target_pipeline_version,
					       inputs_template, rate_limit_per_min
					  from pipeline_webhook where token_sha256 = ? and deleted_at is null and enabled
					""",
					(rs, n) -> new Target(rs.getString("id"), rs.getString("workspace_id"),
							rs.getString("target_pipeline_id"), rs.getString("target_pipeline_slug"),
							(Integer) rs.getObject("target_pipeline_version"),
							this.json.readTree(rs.getString("inputs_template")), rs.getInt("rate_limit_per_min")),
					tokenSha256)
			.stream()
			.findFirst();
	}

	private Optional<PipelineWebhookView> find(String workspaceId, String id) {
		return this.jdbc
			.query(SELECT + " where w.workspace_id = ? and w.id = ? and w.deleted_at is null", this::view, workspaceId,
					id)
			.stream()
			.findFirst();
	}

	private PipelineWebhookView view(ResultSet rs, int row) throws SQLException {
		Timestamp lastFired = rs.getTimestamp("last_fired_at");
		String lastStatus = rs.getString("last_status");
		return new PipelineWebhookView(rs.getString("id"), rs.getString("workspace_id"), rs.getString("name"),
				rs.getString("token"), rs.getString("target_pipeline_id"), rs.getString("target_pipeline_slug"),
				(Integer) rs.getObject("target_pipeline_version"), this.json.readTree(rs.getString("inputs_template")),
				rs.getBoolean("enabled"), rs.getInt("rate_limit_per_min"), true, null, rs.getLong("fire_count"),
				(lastFired != null) ? lastFired.toInstant() : null, rs.getString("last_run_id"),
				(lastStatus != null) ? RunStatus.of(lastStatus) : null, rs.getTimestamp("created_at").toInstant(),
				rs.getTimestamp("updated_at").toInstant());
	}

	/**
	 * The event's data: the webhook without its token (events reach every subscriber of
	 * the workspace's channel and the topic's readers; the URL is a credential half).
	 */
	private static Map<String, Object> eventData(PipelineWebhookView view) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", view.id());
		data.put("workspace_id", view.workspaceId());
		data.put("name", view.name());
		data.put("target_pipeline_id", view.targetPipelineId());
		data.put("target_pipeline_slug", view.targetPipelineSlug());
		data.put("target_pipeline_version", view.targetPipelineVersion());
		data.put("enabled", view.enabled());
		data.put("rate_limit_per_min", view.rateLimitPerMin());
		return data;
	}

}
