package crewship.gateway.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /api/v1/system/telemetry}, the web UI's crash-reporting consent gate, which
 * its sign-in page reads before anyone is signed in (so: no authentication). The suite
 * ships no crash reporter and sends nothing anywhere, so the answer is always the
 * privacy-preserving one ({@code enabled: false}, no install id to group reports by).
 * <p>
 * The gateway answers it, like the other system endpoints: it is an instance-wide fact,
 * no service's data, and the sign-in page should not depend on auth-service being up to
 * learn that reporting is off.
 */
@Configuration(proxyBeanMethods = false)
class TelemetryConsent {

	record Consent(boolean enabled, String installId) {
	}

	static final Consent OFF = new Consent(false, "");

	@Bean
	RouterFunction<ServerResponse> telemetryConsentEndpoint() {
		return RouterFunctions.route()
			.GET("/api/v1/system/telemetry",
					request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(OFF))
			.build();
	}

}
