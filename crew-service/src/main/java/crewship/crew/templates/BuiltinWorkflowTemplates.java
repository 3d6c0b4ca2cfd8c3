package crewship.crew.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeds the built-in workflow templates from {@code workflow-templates/*.json} at every
 * start: an upsert on the file's {@code key} that replaces a row only for a higher
 * {@code version}, so replicas starting together agree and an edited file ships by
 * bumping its version.
 */
@Component
class BuiltinWorkflowTemplates implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(BuiltinWorkflowTemplates.class);

	private final JdbcClient jdbc;

	private final JsonMapper json;

	BuiltinWorkflowTemplates(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	@Override
	public void run(ApplicationArguments args) {
		int seeded = 0;
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver()
				.getResources("classpath*:workflow-templates/*.json")) {
				JsonNode file;
				try (InputStream in = resource.getInputStream()) {
					file = this.json.readTree(in);
				}
				Timestamp now = Timestamp.from(Timestamps.now());
				seeded += this.jdbc.sql("""
						insert into workflow_template (id, workspace_id, name, description, template_json, icon, color,
						                               is_builtin, builtin_key, builtin_version, created_at, updated_at)
						values (:id, null, :name, :description, :json, :icon, :color, true, :key, :version, :now, :now)
						on conflict (builtin_key) where workspace_id is null do update
						   set name = excluded.name, description = excluded.description,
						       template_json = excluded.template_json, icon = excluded.icon, color = excluded.color,
						       builtin_version = excluded.builtin_version, updated_at = excluded.updated_at
						 where workflow_template.builtin_version < excluded.builtin_version
						""")
					.param("id", Cuid.next())
					.param("name", file.get("name").asString())
					.param("description", file.path("description").asString(null))
					.param("json", WorkflowStages.canonical(file.get("stages")))
					.param("icon", file.path("icon").asString(null))
					.param("color", file.path("color").asString(null))
					.param("key", file.get("key").asString())
					.param("version", file.get("version").asInt())
					.param("now", now)
					.update();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		log.info("Built-in workflow templates: {} seeded or upgraded", seeded);
	}

}
