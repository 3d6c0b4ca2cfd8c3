package crewship.platform.internal;

import java.net.http.HttpClient;
import java.time.Duration;

import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import crewship.platform.logging.RequestIds;

/**
 * The one {@link RestClient} for service-to-service calls through the gateway's internal
 * listener.
 */
@AutoConfiguration(after = RestClientAutoConfiguration.class)
@EnableConfigurationProperties(InternalProperties.class)
public class InternalClientAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "internalRestClient")
	RestClient internalRestClient(RestClient.Builder builder, InternalProperties properties) {
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
		requests.setReadTimeout(Duration.ofSeconds(5));
		RestClient.Builder internal = builder.clone().requestFactory(requests);
		if (properties.baseUrl() != null) {
			internal.baseUrl(properties.baseUrl().toString());
		}
		if (properties.token() != null && !properties.token().isBlank()) {
			internal.defaultHeader(InternalProperties.TOKEN_HEADER, properties.token());
		}
		// the request this call serves keeps its id in the called service's log lines
		internal.requestInterceptor((request, body, execution) -> {
			String requestId = MDC.get(RequestIds.MDC_KEY);
			if (requestId != null && !request.getHeaders().containsHeader(RequestIds.HEADER)) {
				request.getHeaders().set(RequestIds.HEADER, requestId);
			}
			return execution.execute(request, body);
		});
		return internal.build();
	}

}
