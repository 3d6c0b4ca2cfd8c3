package crewship.crew.blueprints;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * The built-in crew blueprints: versioned resource files ({@code crew-templates/*.json},
 * each with its {@code version}), read once at startup. They are the same on every
 * replica and in every workspace, so nothing of them lives in the database.
 */
@Component
class CrewTemplateCatalog {

	static final String LOCATION = "classpath*:crew-templates/*.json";

	/** One agent of a blueprint. */
	record AgentTemplate(String slug, String name, String roleTitle, String agentRole, String cliAdapter,
			String llmProvider, String llmModel, String toolProfile, String systemPrompt, List<String> skills) {
	}

	/** A blueprint as the list and get show it. */
	record CrewTemplate(String id, String slug, int version, String name, String description, String category,
			String icon, String color, boolean isBuiltin, Instant createdAt, String persona,
			List<AgentTemplate> agents) {
	}

	private record File(String slug, int version, String name, String description, String category, String icon,
			String color, Instant createdAt, String persona, List<AgentTemplate> agents) {
	}

	private final Map<String, CrewTemplate> templates;

	CrewTemplateCatalog(JsonMapper json) {
		List<CrewTemplate> read = new ArrayList<>();
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources(LOCATION)) {
				try (InputStream in = resource.getInputStream()) {
					File file = json.readValue(in, File.class);
					read.add(new CrewTemplate(file.slug(), file.slug(), file.version(), file.name(), file.description(),
							file.category(), file.icon(), file.color(), true, file.createdAt(), file.persona(),
							List.copyOf(file.agents())));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.templates = read.stream()
			.sorted(Comparator.comparing(CrewTemplate::name))
			.collect(Collectors.toMap(CrewTemplate::slug, Function.identity(), (a, b) -> {
				throw new IllegalStateException("Two crew templates named " + a.slug());
			}, java.util.LinkedHashMap::new));
	}

	List<CrewTemplate> all() {
		return List.copyOf(this.templates.values());
	}

	Optional<CrewTemplate> find(String slug) {
		return Optional.ofNullable(this.templates.get(slug));
	}

}
