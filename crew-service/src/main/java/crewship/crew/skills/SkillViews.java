package crewship.crew.skills;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The skill shapes of skills.mdx: the list entry and the full detail. */
final class SkillViews {

	private SkillViews() {
	}

	/** Where a skill is installed (the list's {@code installed_on}). */
	record InstalledOn(String agentId, String agentSlug, String agentName, String avatarSeed, String avatarStyle,
			String crewId, String crewName, String crewSlug, String crewColor, String crewIcon) {
	}

	/**
	 * A list entry; {@code installed_on} is omitted when the skill is installed nowhere.
	 */
	record Summary(String id, String name, String slug, String displayName, String description, String version,
			String author, String category, String source, String icon, String verification, int downloads,
			Double ratingAvg, int ratingCount, String tags, boolean featured, String pricingTier, Integer toolCount,
			String vendor, String homepage, String spdxLicense, String runtime, String maturity, String scanStatus,
			String descriptionQuality, Instant createdAt, Instant updatedAt,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<InstalledOn> installedOn) {

		static Summary of(Skill s, List<InstalledOn> installedOn) {
			return new Summary(s.id, s.name, s.slug, s.displayName, s.description, s.skillVersion, s.author, s.category,
					s.source, s.icon, s.verification, s.downloads, s.ratingAvg, s.ratingCount, s.tags, s.featured,
					s.pricingTier, s.toolCount, s.vendor, s.homepage, s.spdxLicense, s.runtime, s.maturity,
					s.scanStatus, s.descriptionQuality, s.createdAt, s.updatedAt, installedOn);
		}

	}

	/** The full skill: the list fields plus content, requirements and MCP config. */
	record Detail(String id, String name, String slug, String displayName, String description, String version,
			String author, String category, String source, String icon, String verification, int downloads,
			Double ratingAvg, int ratingCount, String tags, boolean featured, String pricingTier, Integer toolCount,
			String vendor, String homepage, String spdxLicense, String runtime, String maturity, String scanStatus,
			String scanReason, String descriptionQuality, Instant createdAt, Instant updatedAt, String content,
			String credentialRequirements, String mcpServerCommand, String mcpServerImage, String mcpTransport,
			String dependencies, String license, long agentCount, Integer securityScore, String allowedDomains,
			String changelog) {

		static Detail of(Skill s, long agentCount) {
			return new Detail(s.id, s.name, s.slug, s.displayName, s.description, s.skillVersion, s.author, s.category,
					s.source, s.icon, s.verification, s.downloads, s.ratingAvg, s.ratingCount, s.tags, s.featured,
					s.pricingTier, s.toolCount, s.vendor, s.homepage, s.spdxLicense, s.runtime, s.maturity,
					s.scanStatus, s.scanReason, s.descriptionQuality, s.createdAt, s.updatedAt, s.content,
					s.credentialRequirements, s.mcpServerCommand, s.mcpServerImage, s.mcpTransport, s.dependencies,
					s.spdxLicense, agentCount, s.securityScore, s.allowedDomains, s.changelog);
		}

	}

	/** The answer of generate. */
	record Generated(String skillId, String slug, String content, String scanStatus, String scanReason,
			String descriptionQuality) {
	}

	/** One imported entry of a bulk import. */
	record BulkImported(String skillId, String slug, boolean created) {
	}

	/** One skipped entry of a bulk import. */
	record BulkSkipped(String path, String slug, String reason) {
	}

	/** The answer of bulk import. */
	record BulkResult(String source, int totalFound, int totalImported, List<BulkImported> imported,
			List<BulkSkipped> skipped, boolean truncated, boolean dryRun) {
	}

}
