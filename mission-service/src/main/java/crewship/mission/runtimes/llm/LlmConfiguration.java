package crewship.mission.runtimes.llm;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import crewship.mission.runtimes.local.LocalRuntime;

/**
 * The provider beans and the router, which is the engine's one
 * {@link crewship.mission.engine.AgentRuntime}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LlmProperties.class)
class LlmConfiguration {

	@Bean
	ProviderClient providerClient(LlmProperties properties) {
		return new ProviderClient(properties);
	}

	@Bean
	LlmRuntime llmRuntime(ProviderClient client, LlmProperties properties, ObjectProvider<AgentTools> tools) {
		return new LlmRuntime(client, properties, tools.getIfAvailable(() -> AgentTools.NONE));
	}

	@Bean
	ProviderCredentials providerCredentials(@Qualifier("internalRestClient") RestClient internal) {
		return new ProviderCredentials(internal);
	}

	/**
	 * The engine's one runtime; it takes the place of the local runtime's auto-configured
	 * bean and keeps one of its own for agents without a key (dev only).
	 */
	@Bean
	RuntimeRouter agentRuntime(LlmRuntime llm, ProviderCredentials credentials, LlmProperties properties) {
		return new RuntimeRouter(llm, credentials, properties, new LocalRuntime());
	}

}
