package crewship.platform;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;
import org.springframework.util.ClassUtils;

/**
 * Adds the platform's defaults as the lowest-precedence property sources (the JDBC part
 * only where a PostgreSQL driver is present): the settings every service shares
 * (datasource from {@code crewship.db.*}, Kafka producer guarantees, probes, JSON
 * naming), so a service's own {@code application.yml} says only what is its own and can
 * still override any of them.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

	static final String COMMON = "crewship-platform-defaults.properties";

	static final String JDBC = "crewship-platform-jdbc-defaults.properties";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (ClassUtils.isPresent("org.postgresql.Driver", application.getClassLoader())) {
			add(environment, JDBC);
		}
		add(environment, COMMON);
	}

	private static void add(ConfigurableEnvironment environment, String resource) {
		try {
			environment.getPropertySources()
				.addLast(new ResourcePropertySource(resource, new ClassPathResource(resource)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
