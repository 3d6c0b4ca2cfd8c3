package crewship.crew.crews;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;

/**
 * A crew: an isolated agent team with its stored container settings, egress posture,
 * autonomy policy and crew-layer persona. Settings arrive already validated
 * ({@link CrewSettings}); this class only applies them.
 */
@Entity
@Table(name = "crew")
public class Crew extends SoftDeletableEntity {

	static final String DEFAULT_AUTONOMY = "guided";

	static final String DEFAULT_BEHAVIOR = "warn";

	@Id
	private String id;

	@Column(name = "workspace_id")
	private String workspaceId;

	String name;

	String slug;

	String description;

	String color;

	String icon;

	@Column(name = "avatar_style")
	String avatarStyle;

	@Column(name = "container_memory_mb")
	int containerMemoryMb;

	@Column(name = "container_cpus")
	double containerCpus;

	@Column(name = "container_ttl_hours")
	Integer containerTtlHours;

	@Column(name = "network_mode")
	String networkMode;

	/** Newline-separated: a domain never contains one. */
	@Column(name = "allowed_domains")
	String allowedDomains = "";

	@Column(name = "allow_private_endpoints")
	boolean allowPrivateEndpoints;

	@Column(name = "mcp_config_json")
	String mcpConfigJson;

	@Column(name = "escalation_config")
	String escalationConfig;

	@Column(name = "runtime_image")
	String runtimeImage;

	@Column(name = "devcontainer_config")
	String devcontainerConfig;

	@Column(name = "mise_config")
	String miseConfig;

	@Column(name = "services_json")
	String servicesJson;

	@Column(name = "max_ephemeral_agents")
	int maxEphemeralAgents = 5;

	@Column(name = "issue_prefix")
	String issuePrefix;

	@Column(name = "autonomy_level")
	String autonomyLevel = DEFAULT_AUTONOMY;

	@Column(name = "behavior_mode")
	String behaviorMode = DEFAULT_BEHAVIOR;

	@Column(name = "policy_set_by")
	String policySetBy;

	@Column(name = "policy_set_at")
	Instant policySetAt;

	@Column(name = "policy_reason")
	String policyReason;

	String persona;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected Crew() {
	}

	Crew(String workspaceId, String name, String slug) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.name = name;
		this.slug = slug;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	public String getId() {
		return this.id;
	}

	public String getWorkspaceId() {
		return this.workspaceId;
	}

	public String getName() {
		return this.name;
	}

	public String getSlug() {
		return this.slug;
	}

	public String getColor() {
		return this.color;
	}

	public String getAvatarStyle() {
		return this.avatarStyle;
	}

	public String getAutonomyLevel() {
		return this.autonomyLevel;
	}

	public int getMaxEphemeralAgents() {
		return this.maxEphemeralAgents;
	}

	/** The crew-layer persona, or null when none is set. */
	public String getPersona() {
		return this.persona;
	}

	/** The container image the crew runs, or null for the runtime's default. */
	public String getRuntimeImage() {
		return this.runtimeImage;
	}

	/** The stored devcontainer configuration (JSON text), or null. */
	public String getDevcontainerConfig() {
		return this.devcontainerConfig;
	}

	/** The stored mise configuration (JSON text), or null. */
	public String getMiseConfig() {
		return this.miseConfig;
	}

	public Instant getUpdatedAt() {
		return this.updatedAt;
	}

	List<String> domains() {
		return this.allowedDomains.isEmpty() ? List.of() : Arrays.asList(this.allowedDomains.split("\n"));
	}

	void setDomains(List<String> domains) {
		this.allowedDomains = String.join("\n", domains);
	}

	void touch() {
		this.updatedAt = Timestamps.now();
	}

	/** Replaces the policy and records who, when and why, together with the change. */
	void setPolicy(String autonomyLevel, String behaviorMode, String reason, String userId) {
		this.autonomyLevel = autonomyLevel;
		this.behaviorMode = behaviorMode;
		this.policyReason = reason;
		this.policySetBy = userId;
		this.policySetAt = Timestamps.now();
		touch();
	}

	void setPersona(String content) {
		this.persona = content;
		touch();
	}

}
