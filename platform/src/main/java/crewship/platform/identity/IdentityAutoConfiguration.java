package crewship.platform.identity;

import java.net.MalformedURLException;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.util.DefaultResourceRetriever;
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

	static final int JWKS_TIMEOUT_MILLIS = 3000;

	static final int JWKS_SIZE_LIMIT = 50 * 1024;

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty("crewship.identity.jwks-uri")
	JWKSource<SecurityContext> gatewayJwkSource(IdentityProperties properties) throws MalformedURLException {
		long ttl = properties.cacheFor().toMillis();
		// Nimbus's default timeouts are 500 ms: a gateway busy on a loaded machine missed
		// them, and the first requests after a start were refused (fault drill 3)
		return JWKSourceBuilder
			.<SecurityContext>create(properties.jwksUri().toURL(),
					new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
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
