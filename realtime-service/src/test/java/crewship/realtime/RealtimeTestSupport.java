package crewship.realtime;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import crewship.platform.testing.ServiceTest;

/**
 * The one Spring context of realtime-service's tests: the real Kafka broker of
 * {@link ServiceTest}, and {@link AuthServiceStandIn} as the internal listener.
 */
@ServiceTest
abstract class RealtimeTestSupport {

	@DynamicPropertySource
	static void internalListener(DynamicPropertyRegistry registry) {
		registry.add("crewship.internal.base-url", AuthServiceStandIn::url);
		registry.add("crewship.internal.token", () -> AuthServiceStandIn.INTERNAL_TOKEN);
		registry.add("crewship.realtime.session-recheck", () -> "1s");
		registry.add("crewship.realtime.owner-lookup-timeout", () -> "1s");
	}

}
