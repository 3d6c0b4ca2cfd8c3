package crewship.crew.skills;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.persistence.SoftDeletableEntity;

/**
 * A skill of the marketplace: a workspace's own (imported, generated, approved from a
 * proposal), or a bundled one shipped with the server and shared by every workspace
 * ({@code workspace_id} null, {@code source} {@code BUNDLED}).
 */
@Entity
@Table(name = "skill")
class Skill extends SoftDeletableEntity {

	static final String BUNDLED = "BUNDLED";

	@Id
	String id;

	@Column(name = "workspace_id")
	String workspaceId;

	String name;

	String slug;

	@Column(name = "display_name")
	String displayName;

	String description;

	String content;

	@Column(name = "content_sha256")
	String contentSha256;

	String category = "CUSTOM";

	/** {@code BUNDLED}, {@code GENERATED}, {@code CUSTOM}, a URL, or empty (pasted). */
	String source = "";

	@Column(name = "skill_version")
	String skillVersion = "1.0.0";

	String author;

	String icon;

	String verification = "UNVERIFIED";

	int downloads;

	@Column(name = "rating_avg")
	Double ratingAvg;

	@Column(name = "rating_count")
	int ratingCount;

	/** A JSON array of strings, as the page has it. */
	String tags;

	boolean featured;

	@Column(name = "pricing_tier")
	String pricingTier = "FREE";

	@Column(name = "tool_count")
	Integer toolCount;

	String vendor;

	String homepage;

	@Column(name = "spdx_license")
	String spdxLicense;

	String runtime = "INSTRUCTIONS";

	String maturity = "COMMUNITY";

	@Column(name = "scan_status")
	String scanStatus = "CLEAN";

	@Column(name = "scan_reason")
	String scanReason;

	@Column(name = "description_quality")
	String descriptionQuality;

	@Column(name = "credential_requirements")
	String credentialRequirements;

	@Column(name = "mcp_server_command")
	String mcpServerCommand;

	@Column(name = "mcp_server_image")
	String mcpServerImage;

	@Column(name = "mcp_transport")
	String mcpTransport;

	String dependencies;

	@Column(name = "allowed_domains")
	String allowedDomains;

	String changelog;

	@Column(name = "security_score")
	Integer securityScore;

	@Column(name = "created_at")
	Instant createdAt;

	@Column(name = "updated_at")
	Instant updatedAt;

	protected Skill() {
	}

	Skill(String workspaceId, String slug) {
		this.id = Cuid.next();
		this.workspaceId = workspaceId;
		this.name = slug;
		this.slug = slug;
		this.displayName = slug;
		this.createdAt = Timestamps.now();
		this.updatedAt = this.createdAt;
	}

	boolean isBundled() {
		return this.workspaceId == null;
	}

	/** Takes what a parsed SKILL.md says; the source is the importer's to set. */
	void apply(SkillFile parsed) {
		this.name = parsed.name();
		this.displayName = parsed.displayName();
		this.description = parsed.description();
		this.content = parsed.content();
		this.contentSha256 = parsed.sha256();
		this.category = parsed.category();
		this.skillVersion = parsed.version();
		this.author = parsed.author();
		this.icon = parsed.icon();
		this.tags = parsed.tagsJson();
		this.vendor = parsed.vendor();
		this.homepage = parsed.homepage();
		this.spdxLicense = parsed.license();
		this.runtime = parsed.runtime();
		this.maturity = parsed.maturity();
		this.toolCount = parsed.toolCount();
		this.credentialRequirements = parsed.credentialRequirements();
		this.mcpServerCommand = parsed.mcpServerCommand();
		this.mcpServerImage = parsed.mcpServerImage();
		this.mcpTransport = parsed.mcpTransport();
		this.dependencies = parsed.dependencies();
		this.allowedDomains = parsed.allowedDomains();
		this.changelog = parsed.changelog();
		this.descriptionQuality = parsed.descriptionQuality();
		this.updatedAt = Timestamps.now();
	}

}
