package crewship.platform.identity;

import java.net.MalformedURLException;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import crewship.platform.web.ProblemResponses;
import crewship.platform.web.WebAutoConfiguration;

/**
 * Verification of the gateway's identity assertion on every service request. Not in the
 * gateway itself, which signs them (it defines an {@link IdentityAssertionSigner}).
 */
@AutoConfiguration(after = WebAutoConfiguration.class)
@ConditionalOnMissingBean(IdentityAssertionSigner.class)
@EnableConfigurationProperties(IdentityProperties.class)
public class IdentityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("crewship.identity.jwks-uri")
	JWKSource<SecurityContext> gatewayJwkSource(IdentityProperties properties) throws MalformedURLException {
		long ttl = properties.cacheFor().toMillis();
		return JWKSourceBuilder.<SecurityContext>create(properties.jwksUri().toURL())
			.cache(ttl, Math.min(ttl / 2, 15_000))
			.rateLimited(false)
			.retrying(true)
			.build();
	}

	@Bean
	OpenPaths openPaths(IdentityProperties properties) {
		return new OpenPaths(properties.openPaths());
	}

	@Bean
	@ConditionalOnMissingBean
	IdentityAssertionVerifier identityAssertionVerifier(JWKSource<SecurityContext> gatewayKeys) {
		return new IdentityAssertionVerifier(gatewayKeys);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ServletIdentityConfiguration {

		@Bean
		FilterRegistrationBean<IdentityAssertionFilter> identityAssertionFilter(IdentityAssertionVerifier verifier,
				ProblemResponses problems, OpenPaths openPaths) {
			FilterRegistrationBean<IdentityAssertionFilter> registration = new FilterRegistrationBean<>(
					new IdentityAssertionFilter(verifier, problems, openPaths));
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			return registration;
		}

	}

}
