package crewship.platform;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds {@code crewship-platform-defaults.properties} as the lowest-precedence property source:
 * the settings every service shares (datasource from {@code crewship.db.*}, Kafka producer
 * guarantees, probes, JSON naming), so a service's own {@code application.yml} says only what is
 * its own and can still override any of them.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

	static final String RESOURCE = "crewship-platform-defaults.properties";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		try {
			environment.getPropertySources()
				.addLast(new ResourcePropertySource("crewshipPlatformDefaults", new ClassPathResource(RESOURCE)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
