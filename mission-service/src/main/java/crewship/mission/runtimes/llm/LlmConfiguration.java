package crewship.mission.runtimes.llm;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import crewship.mission.engine.RunOutcome;

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
	LlmRuntime llmRuntime(ProviderClient client, LlmProperties properties) {
		return new LlmRuntime(client, properties);
	}

	@Bean
	ProviderCredentials providerCredentials(@Qualifier("internalRestClient") RestClient internal) {
		return new ProviderCredentials(internal);
	}

	@Bean
	RuntimeRouter agentRuntime(LlmRuntime llm, ProviderCredentials credentials, LlmProperties properties) {
		// TODO(merge): the engine's LocalRuntime once it is on main
		return new RuntimeRouter(llm, credentials, properties,
				(request, output) -> RunOutcome.failed("No local runtime in this build", "local", null, null));
	}

}
