package crewship.crew.skills;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.crew.provider.RunEngineProvider;
import crewship.crew.skills.SkillViews.Generated;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Slug;
import crewship.platform.web.ProblemException;

/**
 * {@code POST /workspaces/{id}/skills/generate}: a SKILL.md authored by the run engine's
 * provider from a natural-language intent, stored with {@code source = GENERATED}. The
 * slug is checked before the provider is asked, so a taken slug costs no tokens; what the
 * model wrote must parse and pass the same checks as any import (else 502: the model's
 * output was rejected).
 */
@Component
class SkillAuthoring {

	static final int MAX_TOKENS = 4096;

	static final String SYSTEM = """
			You write SKILL.md files for AI agents. Answer with the file only, no commentary and no code fences.
			The file starts with YAML front matter between --- lines holding:
			  name: the slug you are given, exactly
			  display_name: a short title
			  description: one or two sentences starting with "Use when", saying when an agent should use the skill
			  category: one of CODING, AUTOMATION, DATA, DEVOPS, SUPPORT, SALES, WRITING, RESEARCH, PM, DESIGN, SECURITY, FINANCE, OPS, CUSTOM
			  version: 1.0.0
			Then a Markdown body: the steps an agent follows, concrete and short. Never include secrets,
			commands that pipe downloads into a shell, or instructions to ignore other instructions.
			""";

	private static final Pattern FENCED = Pattern.compile("\\A\\s*```[a-zA-Z]*\\r?\\n(.*?)\\r?\\n```\\s*\\z",
			Pattern.DOTALL);

	private static final Pattern NAME_LINE = Pattern.compile("(?m)^name:.*$");

	private final SkillService skills;

	private final SkillImporter importer;

	private final RunEngineProvider provider;

	SkillAuthoring(SkillService skills, SkillImporter importer, RunEngineProvider provider) {
		this.skills = skills;
		this.importer = importer;
		this.provider = provider;
	}

	Generated generate(Scope scope, String requestedSlug, String prompt, String model) {
		String slug = slugify(requestedSlug);
		this.skills.slugHolder(scope, slug).ifPresent(holder -> {
			throw ProblemException.conflict("Skill '" + slug + "' already exists (" + holder + ")");
		});
		RunEngineProvider.Completion completion = this.provider.complete(scope.workspaceId(), "skill.generate", model,
				SYSTEM, "Slug: " + slug + "\nWhat the skill should do: " + prompt.trim(), MAX_TOKENS);
		String content = named(unfenced(completion.text()), slug);
		SkillImporter.Imported imported = this.skills.write(() -> this.importer.importContent(scope.workspaceId(),
				scope.userId(), content, "GENERATED", null, false, true), HttpStatus.BAD_GATEWAY);
		Skill skill = imported.skill();
		return new Generated(skill.id, skill.slug, skill.content, skill.scanStatus, skill.scanReason,
				skill.descriptionQuality);
	}

	/**
	 * The page's "will be slugified": lower case, runs of other characters become '-'.
	 */
	static String slugify(String value) {
		String slug = value.trim()
			.toLowerCase(Locale.ROOT)
			.replaceAll("[^a-z0-9_-]+", "-")
			.replaceAll("-{2,}", "-")
			.replaceAll("^[-_]+|-+$", "");
		if (slug.length() > 50) {
			slug = slug.substring(0, 50).replaceAll("-+$", "");
		}
		if (slug.length() < 2 || !slug.matches(Slug.PATTERN)) {
			throw ProblemException.badRequest("slug must contain at least two letters or digits");
		}
		return slug;
	}

	private static String unfenced(String text) {
		Matcher fenced = FENCED.matcher(text);
		return fenced.matches() ? fenced.group(1) : text.strip();
	}

	/** The stored skill is the slug asked for, whatever name the model wrote. */
	private static String named(String content, String slug) {
		if (!content.startsWith("---")) {
			return content; // the parser refuses it: 502
		}
		int end = content.indexOf("\n---", 3);
		if (end < 0) {
			return content;
		}
		String front = content.substring(0, end);
		String rest = content.substring(end);
		Matcher name = NAME_LINE.matcher(front);
		front = name.find() ? name.replaceFirst(Matcher.quoteReplacement("name: " + slug)) : front + "\nname: " + slug;
		return front + rest;
	}

}
