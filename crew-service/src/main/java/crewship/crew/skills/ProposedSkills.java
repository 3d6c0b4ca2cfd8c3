package crewship.crew.skills;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.crews.Crew;
import crewship.crew.crews.CrewService;
import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The memory → skills bridge (skills.mdx "Proposed Skills"): SKILL.md files the memory
 * consolidator staged for a crew, reviewed by a MANAGER+. The reference keeps them as
 * files under the crew's memory directory; here the staging area is a table, so every
 * replica sees the same files and an approval is one transaction (import, then remove the
 * staged row). The consolidator stages through
 * {@code POST /api/v1/internal/skills/proposed}.
 */
@Component
class ProposedSkills {

	/** A bare basename as the consolidator names them; no path can be smuggled in. */
	static final Pattern FILE_NAME = Pattern.compile("skill-[A-Za-z0-9][A-Za-z0-9._-]{0,150}\\.md");

	static final int MAX_LISTED = 200;

	private final JdbcClient jdbc;

	private final CrewService crews;

	private final SkillImporter importer;

	private final SkillService skills;

	private final Changes changes;

	private final TransactionTemplate transactions;

	ProposedSkills(JdbcClient jdbc, CrewService crews, SkillImporter importer, SkillService skills, Changes changes,
			PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.crews = crews;
		this.importer = importer;
		this.skills = skills;
		this.changes = changes;
		this.transactions = new TransactionTemplate(transactions);
	}

	/** One staged file as the list shows it. */
	record Proposal(String fileName, String name, String description, String descriptionQuality, String category) {
	}

	@Transactional(readOnly = true)
	List<Proposal> list(Scope scope, String crewRef) {
		Crew crew = crew(scope, crewRef);
		return this.jdbc
			.sql("select file_name, content from proposed_skill where crew_id = :crew order by file_name limit :limit")
			.param("crew", crew.getId())
			.param("limit", MAX_LISTED)
			.query((rs, n) -> proposal(rs.getString(1), rs.getString(2)))
			.list();
	}

	/**
	 * A file that fails the parser is still listed, saying why, so it can be rejected.
	 */
	private static Proposal proposal(String fileName, String content) {
		try {
			SkillFile parsed = SkillFile.parse(content);
			return new Proposal(fileName, parsed.name(), (parsed.description() != null) ? parsed.description() : "",
					parsed.descriptionQuality(), parsed.category().toLowerCase(java.util.Locale.ROOT));
		}
		catch (SkillFile.Invalid ex) {
			return new Proposal(fileName, "", "", "parse error: " + ex.getMessage(), "");
		}
	}

	/**
	 * Imports the staged file through the canonical importer and removes it, in one
	 * transaction.
	 * @throws ProblemException 404 for a missing file, 422 when the importer refuses it
	 */
	Map<String, Object> approve(Scope scope, String crewRef, String fileName) {
		checkFileName(fileName);
		Crew crew = crew(scope, crewRef);
		SkillImporter.Imported imported = this.skills.write(() -> {
			String content = this.jdbc
				.sql("select content from proposed_skill where crew_id = :crew and file_name = :file for update")
				.param("crew", crew.getId())
				.param("file", fileName)
				.query(String.class)
				.optional()
				.orElseThrow(() -> ProblemException.notFound("No staged file " + fileName + " for this crew"));
			SkillImporter.Imported done = this.importer.importContent(scope.workspaceId(), scope.userId(), content, "",
					null, false, false);
			this.jdbc.sql("delete from proposed_skill where crew_id = :crew and file_name = :file")
				.param("crew", crew.getId())
				.param("file", fileName)
				.update();
			this.changes.record("memory.skill_approved", scope.workspaceId(), "crew", crew.getId(), scope.userId(),
					decision(crew, fileName, done.skill()));
			return done;
		}, HttpStatus.UNPROCESSABLE_CONTENT);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("skill_id", imported.skill().id);
		answer.put("slug", imported.skill().slug);
		answer.put("created", imported.created());
		answer.put("file_name", fileName);
		return answer;
	}

	/** Idempotent: a second reject answers {@code removed: false}. */
	Map<String, Object> reject(Scope scope, String crewRef, String fileName) {
		checkFileName(fileName);
		Crew crew = crew(scope, crewRef);
		Boolean removed = this.transactions.execute(status -> {
			int deleted = this.jdbc.sql("delete from proposed_skill where crew_id = :crew and file_name = :file")
				.param("crew", crew.getId())
				.param("file", fileName)
				.update();
			if (deleted > 0) {
				this.changes.record("memory.skill_rejected", scope.workspaceId(), "crew", crew.getId(), scope.userId(),
						decision(crew, fileName, null));
			}
			return deleted > 0;
		});
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("file_name", fileName);
		answer.put("removed", Boolean.TRUE.equals(removed));
		return answer;
	}

	/**
	 * Stages (or replaces) a proposal for a crew of the workspace: the consolidator's
	 * call.
	 */
	@Transactional
	Map<String, Object> stage(String workspaceId, String crewRef, String fileName, String content) {
		checkFileName(fileName);
		if (content == null || content.isBlank()) {
			throw ProblemException.badRequest("content is required");
		}
		if (content.length() > SkillFile.MAX_CONTENT_BYTES) {
			throw ProblemException.badRequest("content exceeds " + (SkillFile.MAX_CONTENT_BYTES / 1024) + " KB");
		}
		Crew crew = this.crews.find(workspaceId, crewRef);
		String id = this.jdbc
			.sql("""
					insert into proposed_skill (id, workspace_id, crew_id, file_name, content, created_at)
					values (:id, :ws, :crew, :file, :content, :now)
					on conflict (crew_id, file_name) do update set content = excluded.content, created_at = excluded.created_at
					returning id
					""")
			.param("id", Cuid.next())
			.param("ws", workspaceId)
			.param("crew", crew.getId())
			.param("file", fileName)
			.param("content", content)
			.param("now", Timestamp.from(Timestamps.now()))
			.query(String.class)
			.single();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", crew.getId());
		data.put("file_name", fileName);
		this.changes.record("memory.skill_proposed", workspaceId, "crew", crew.getId(), null, data);
		return Map.of("id", id, "crew_id", crew.getId(), "file_name", fileName);
	}

	private Crew crew(Scope scope, String crewRef) {
		if (crewRef == null || crewRef.isBlank()) {
			throw ProblemException.badRequest("crew_id is required");
		}
		return this.crews.find(scope.workspaceId(), crewRef);
	}

	private static void checkFileName(String fileName) {
		if (fileName == null || fileName.isBlank()) {
			throw ProblemException.badRequest("file_name is required");
		}
		if (!FILE_NAME.matcher(fileName).matches() || fileName.contains("..")) {
			throw ProblemException.badRequest("file_name must be a bare skill-*.md basename");
		}
	}

	private static Map<String, Object> decision(Crew crew, String fileName, Skill skill) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("id", crew.getId());
		data.put("crew_id", crew.getId());
		data.put("file_name", fileName);
		if (skill != null) {
			data.put("skill_id", skill.id);
			data.put("slug", skill.slug);
		}
		return data;
	}

}
