package crewship.crew.skills;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.workspace.Changes;
import crewship.platform.ids.Timestamps;

/**
 * The one path by which a workspace's skill is written from SKILL.md content — paste,
 * URL, git bulk import, a generated skill, an approved proposal: parse, license gate,
 * content scan, then an upsert on the slug within the workspace, with its event and audit
 * record. A bundled skill's slug is not the workspace's to take.
 */
@Component
class SkillImporter {

	private final SkillRepository skills;

	private final Changes changes;

	SkillImporter(SkillRepository skills, Changes changes) {
		this.skills = skills;
		this.changes = changes;
	}

	/** A stored skill and whether this import created it (else it updated it). */
	record Imported(Skill skill, boolean created) {
	}

	/** The slug is taken by something the import may not overwrite. */
	static class Taken extends RuntimeException {

		Taken(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * @param source what {@code source} records: a URL, {@code GENERATED}, empty for a
	 * paste
	 * @param vendor overrides the front matter's vendor (bulk import), or null
	 * @param insertOnly refuse an existing slug instead of updating it (generate)
	 * @throws SkillFile.Invalid for content that does not parse
	 * @throws SkillChecks.Rejected for a blocked license or content
	 * @throws Taken for a bundled slug, or any existing one with {@code insertOnly}
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	Imported importContent(String workspaceId, String actor, String content, String source, String vendor,
			boolean allowUnsafeLicense, boolean insertOnly) {
		SkillFile parsed = SkillFile.parse(content);
		SkillChecks.checkLicense(parsed.license(), allowUnsafeLicense);
		SkillChecks.Scan scan = SkillChecks.scan(parsed.content());
		if (this.skills.findBundledBySlug(parsed.name()).isPresent()) {
			throw new Taken("'" + parsed.name() + "' is a bundled skill's slug; rename the skill");
		}
		Skill skill = this.skills.findOwnBySlug(parsed.name(), workspaceId).orElse(null);
		boolean created = skill == null;
		if (!created && insertOnly) {
			throw new Taken("Skill '" + parsed.name() + "' already exists in this workspace");
		}
		if (created) {
			skill = new Skill(workspaceId, parsed.name());
		}
		skill.apply(parsed);
		skill.source = (source != null) ? source : "";
		if (vendor != null && !vendor.isBlank()) {
			skill.vendor = vendor.trim();
		}
		skill.scanStatus = scan.status();
		skill.scanReason = scan.reason();
		skill.securityScore = scan.securityScore();
		skill.updatedAt = Timestamps.now();
		this.skills.saveAndFlush(skill);
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", skill.id);
		data.put("slug", skill.slug);
		data.put("name", skill.displayName);
		data.put("source", skill.source);
		data.put("scan_status", skill.scanStatus);
		this.changes.record(created ? "skill.created" : "skill.updated", workspaceId, "skill", skill.id, actor, data);
		return new Imported(skill, created);
	}

}
