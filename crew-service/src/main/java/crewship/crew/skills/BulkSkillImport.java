package crewship.crew.skills;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.skills.SkillViews.BulkImported;
import crewship.crew.skills.SkillViews.BulkResult;
import crewship.crew.skills.SkillViews.BulkSkipped;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.web.ProblemException;

/**
 * {@code POST /workspaces/{id}/skills/bulk-import}: every SKILL.md of a git repository
 * through the importer, each in its own transaction, so one refused skill is a
 * {@code skipped} entry rather than a failed batch. {@code dry_run} parses and checks
 * without writing.
 */
@Component
class BulkSkillImport {

	private final GitSkills git;

	private final SkillImporter importer;

	private final SkillRepository skills;

	private final TransactionTemplate transactions;

	BulkSkillImport(GitSkills git, SkillImporter importer, SkillRepository skills,
			PlatformTransactionManager transactions) {
		this.git = git;
		this.importer = importer;
		this.skills = skills;
		this.transactions = new TransactionTemplate(transactions);
	}

	record Request(String gitUrl, String gitRef, List<String> paths, String vendor, boolean allowUnsafeLicense,
			boolean dryRun) {
	}

	BulkResult run(Scope scope, Request request) {
		if (request.gitUrl() == null || request.gitUrl().isBlank()) {
			throw ProblemException.badRequest("git_url is required");
		}
		GitSkills.Walk walk = this.git.walk(request.gitUrl(), request.gitRef(), request.paths());
		String vendor = (request.vendor() != null && !request.vendor().isBlank()) ? request.vendor().trim()
				: walk.host();
		List<BulkImported> imported = new ArrayList<>();
		List<BulkSkipped> skipped = new ArrayList<>();
		walk.left().forEach(left -> skipped.add(new BulkSkipped(left.path(), null, left.reason())));
		Map<String, String> seen = new HashMap<>();
		for (GitSkills.Found found : walk.found()) {
			String slug = null;
			try {
				SkillFile parsed = SkillFile.parse(found.content());
				slug = parsed.name();
				if (seen.containsKey(slug)) {
					skipped.add(new BulkSkipped(found.path(), slug,
							"slug already imported from " + seen.get(slug) + " in this batch"));
					continue;
				}
				seen.put(slug, found.path());
				if (request.dryRun()) {
					SkillChecks.checkLicense(parsed.license(), request.allowUnsafeLicense());
					SkillChecks.scan(parsed.content());
					String name = slug;
					if (this.skills.findBundledBySlug(name).isPresent()) {
						throw new SkillImporter.Taken("'" + name + "' is a bundled skill's slug");
					}
					Skill existing = this.skills.findOwnBySlug(name, scope.workspaceId()).orElse(null);
					imported.add(new BulkImported((existing != null) ? existing.id : null, slug, existing == null));
					continue;
				}
				SkillImporter.Imported done = this.transactions
					.execute(status -> this.importer.importContent(scope.workspaceId(), scope.userId(), found.content(),
							walk.source(), vendor, request.allowUnsafeLicense(), false));
				imported.add(new BulkImported(done.skill().id, done.skill().slug, done.created()));
			}
			catch (SkillFile.Invalid | SkillChecks.Rejected | SkillImporter.Taken ex) {
				skipped.add(new BulkSkipped(found.path(), slug, ex.getMessage()));
			}
			catch (org.springframework.dao.DataIntegrityViolationException ex) {
				skipped.add(new BulkSkipped(found.path(), slug, "written concurrently; retry the import"));
			}
		}
		return new BulkResult(walk.source(), walk.found().size() + walk.left().size(), imported.size(), imported,
				skipped, walk.truncated(), request.dryRun());
	}

}
