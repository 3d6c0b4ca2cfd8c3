package crewship.crew.agents;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;
import crewship.platform.web.ProblemException;

/**
 * An agent: permanent, or an ephemeral "contractor" hired with a TTL that becomes a ghost
 * ({@code expired_at}) when it elapses. The hire lifecycle's transitions live here.
 */
@Entity
@Table(name = "agent")
class Agent extends SoftDeletableEntity {

	static final String IDLE = "IDLE";

	static final String PENDING_REVIEW = "PENDING_REVIEW";

	@Id
	String id;

	@Column(name = "workspace_id")
	String workspaceId;

	@Column(name = "crew_id")
	String crewId;

	String name;

	String slug;

	String description;

	@Column(name = "role_title")
	String roleTitle;

	@Column(name = "agent_role")
	String agentRole = "AGENT";

	@Column(name = "lead_mode")
	String leadMode;

	String status = IDLE;

	@Column(name = "cli_adapter")
	String cliAdapter = "CLAUDE_CODE";

	@Column(name = "llm_provider")
	String llmProvider;

	@Column(name = "llm_model")
	String llmModel;

	@Column(name = "system_prompt")
	String systemPrompt;

	@Column(name = "avatar_seed")
	String avatarSeed;

	@Column(name = "avatar_style")
	String avatarStyle;

	@Column(name = "timeout_seconds")
	int timeoutSeconds = 1800;

	@Column(name = "tool_profile")
	String toolProfile = "CODING";

	@Column(name = "memory_enabled")
	boolean memoryEnabled;

	@Column(name = "cli_tools")
	String cliTools;

	@Column(name = "schedule_cron")
	String scheduleCron;

	@Column(name = "schedule_prompt")
	String schedulePrompt;

	@Column(name = "schedule_enabled")
	boolean scheduleEnabled;

	@Column(name = "mcp_config_json")
	String mcpConfigJson;

	@Column(name = "suggested_prompts")
	String suggestedPrompts;

	@Column(name = "webhook_require_timestamp")
	boolean webhookRequireTimestamp;

	/**
	 * The stored avatar's hash, or null without one; written only by {@link AgentAvatars}
	 * (never by an entity save, which could put back a stale value).
	 */
	@Column(name = "avatar_sha256", insertable = false, updatable = false)
	String avatarSha256;

	/** When the vault last minted the agent's webhook secret; null: it has none. */
	@Column(name = "webhook_secret_rotated_at")
	Instant webhookSecretRotatedAt;

	@Column(name = "created_by_user_id")
	String createdByUserId;

	boolean ephemeral;

	@Column(name = "expires_at")
	Instant expiresAt;

	@Column(name = "expired_at")
	Instant expiredAt;

	@Column(name = "parent_lead_id")
	String parentLeadId;

	@Column(name = "hire_reason")
	String hireReason;

	String persona;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected Agent() {
	}

	Agent(String workspaceId, String crewId, String name, String slug, String createdBy) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.crewId = crewId;
		this.name = name;
		this.slug = slug;
		this.createdByUserId = createdBy;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	/**
	 * A contractor under a crew; {@code pendingReview} when the crew's policy is guided.
	 */
	static Agent hired(String workspaceId, String crewId, String name, String slug, String createdBy, HireTerms terms,
			boolean pendingReview) {
		Agent agent = new Agent(workspaceId, crewId, name, slug, createdBy);
		agent.ephemeral = true;
		agent.status = pendingReview ? PENDING_REVIEW : IDLE;
		agent.expiresAt = agent.createdAt.plus(terms.ttl());
		agent.hireReason = terms.logLine("hire", agent.createdAt);
		return agent;
	}

	/**
	 * Extends a live contractor or resurrects a ghost; the reason is appended to the
	 * history. @return whether it was a ghost (a resurrection takes a quota slot)
	 */
	boolean rehire(HireTerms terms) {
		if (!this.ephemeral) {
			throw ProblemException.notFound("Agent not found or not ephemeral");
		}
		Instant now = Timestamps.now();
		boolean wasGhost = this.expiredAt != null;
		this.expiredAt = null;
		this.expiresAt = now.plus(terms.ttl());
		this.hireReason = ((this.hireReason != null) ? this.hireReason + "\n" : "") + terms.logLine("rehire", now);
		touch();
		return wasGhost;
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

	/**
	 * The serve URL of the stored avatar, or null (the client draws from the seed). It
	 * carries the workspace because an {@code <img>} cannot send the header.
	 */
	String avatarUrl() {
		return (this.avatarSha256 != null) ? "/api/v1/agents/" + this.id + "/avatar?v="
				+ this.avatarSha256.substring(0, 16) + "&workspace_id=" + this.workspaceId : null;
	}

	boolean isLead() {
		return "LEAD".equals(this.agentRole);
	}

}
