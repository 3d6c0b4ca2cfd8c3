package crewship.crew.skills;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;

/**
 * The skills that ship with the server ({@code source = BUNDLED}), seeded from
 * {@code skills/bundled/*.md} at every start as the page says: one upsert per file on the
 * bundled slug, which changes a row only when its content changed — safe when several
 * replicas start at once. Every workspace sees them; none may delete them.
 */
@Component
class BundledSkills implements ApplicationRunner {

	static final String LOCATION = "classpath*:skills/bundled/*.md";

	private static final Logger log = LoggerFactory.getLogger(BundledSkills.class);

	private final JdbcTemplate jdbc;

	BundledSkills(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void run(ApplicationArguments args) {
		List<SkillFile> files = read();
		Timestamp now = Timestamp.from(Timestamps.now());
		int changed = 0;
		for (SkillFile skill : files) {
			SkillChecks.Scan scan = SkillChecks.scan(skill.content());
			changed += this.jdbc.update(
					"""
							insert into skill (id, workspace_id, name, slug, display_name, description, content, content_sha256,
							                   category, source, skill_version, author, icon, verification, tags, featured, pricing_tier,
							                   spdx_license, runtime, maturity, scan_status, scan_reason, security_score,
							                   description_quality, credential_requirements, tool_count, created_at, updated_at)
							values (?, null, ?, ?, ?, ?, ?, ?, ?, 'BUNDLED', ?, ?, ?, 'VERIFIED', ?, ?, 'FREE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
							on conflict (slug) where workspace_id is null and deleted_at is null do update
							   set name = excluded.name, display_name = excluded.display_name,
							       description = excluded.description, content = excluded.content,
							       content_sha256 = excluded.content_sha256, category = excluded.category,
							       skill_version = excluded.skill_version, author = excluded.author, icon = excluded.icon,
							       tags = excluded.tags, featured = excluded.featured, spdx_license = excluded.spdx_license,
							       runtime = excluded.runtime, maturity = excluded.maturity,
							       scan_status = excluded.scan_status, scan_reason = excluded.scan_reason,
							       security_score = excluded.security_score,
							       description_quality = excluded.description_quality,
							       credential_requirements = excluded.credential_requirements,
							       tool_count = excluded.tool_count, updated_at = excluded.updated_at
							 where skill.content_sha256 is distinct from excluded.content_sha256
							""",
					Cuid.next(), skill.name(), skill.name(), skill.displayName(), skill.description(), skill.content(),
					skill.sha256(), skill.category(), skill.version(), skill.author(), skill.icon(), skill.tagsJson(),
					"OFFICIAL".equals(skill.maturity()), skill.license(), skill.runtime(), skill.maturity(),
					scan.status(), scan.reason(), scan.securityScore(), skill.descriptionQuality(),
					skill.credentialRequirements(), skill.toolCount(), now, now);
		}
		log.info("Bundled skills: {} shipped, {} seeded or changed", files.size(), changed);
	}

	static List<SkillFile> read() {
		try {
			List<SkillFile> files = new ArrayList<>();
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
				try (InputStream in = resource.getInputStream()) {
					files.add(SkillFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
				}
			}
			return files;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
