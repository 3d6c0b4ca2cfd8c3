package crewship.platform.internal;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import java.net.http.HttpClient;
import java.time.Duration;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

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
		return internal.build();
	}

}
