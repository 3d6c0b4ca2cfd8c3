package crewship.platform.web.reactive;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.identity.IdentityAssertionVerifier;
import crewship.platform.identity.IdentityAutoConfiguration;
import crewship.platform.identity.OpenPaths;

/**
 * Problem+json errors for reactive applications, and the identity check for reactive
 * services.
 */
@AutoConfiguration(after = IdentityAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class ReactiveWebAutoConfiguration {

	@Bean
	ProblemExceptionHandler problemExceptionHandler() {
		return new ProblemExceptionHandler();
	}

	/** Services verify assertions; the gateway, which signs them, does not. */
	@Bean
	@ConditionalOnBean(IdentityAssertionVerifier.class)
	@ConditionalOnMissingBean(IdentityAssertionSigner.class)
	ReactiveIdentityFilter reactiveIdentityFilter(IdentityAssertionVerifier verifier, OpenPaths openPaths,
			@Value("${management.server.port:0}") int managementPort) {
		return new ReactiveIdentityFilter(verifier, openPaths, managementPort);
	}

}
