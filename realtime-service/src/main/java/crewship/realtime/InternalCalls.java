package crewship.realtime;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import crewship.platform.internal.InternalProperties;

/**
 * The reactive client for questions to other services, through the gateway's internal
 * listener (which checks the internal token and signs the internal assertion the services
 * require).
 */
@Configuration(proxyBeanMethods = false)
class InternalCalls {

	@Bean
	WebClient internalWebClient(InternalProperties properties) {
		WebClient.Builder internal = WebClient.builder();
		if (properties.baseUrl() != null) {
			internal.baseUrl(properties.baseUrl().toString());
		}
		if (properties.token() != null && !properties.token().isBlank()) {
			internal.defaultHeader(InternalProperties.TOKEN_HEADER, properties.token());
		}
		return internal.build();
	}

}
