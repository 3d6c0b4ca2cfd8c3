package crewship.mission.engine;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * The run engine's settings. Its one {@link AgentRuntime} is the application's, or the
 * local runtime when there is none (see {@code LocalRuntimeAutoConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EngineProperties.class)
class EngineConfiguration {

}
