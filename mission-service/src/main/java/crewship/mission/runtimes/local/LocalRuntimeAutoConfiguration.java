package crewship.mission.runtimes.local;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import crewship.mission.engine.AgentRuntime;

/**
 * The engine's one {@link AgentRuntime} when the application defines none (a runtime
 * router that picks a model per agent takes its place): an auto-configuration, so the
 * condition is evaluated after every application bean is known.
 */
@AutoConfiguration
public class LocalRuntimeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(AgentRuntime.class)
	AgentRuntime localRuntime() {
		return new LocalRuntime();
	}

}
