package crewship.gateway.system;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;

/**
 * {@code GET /api/v1/system/aux-status}: the auxiliary models are mission-service's
 * provider configuration, so the gateway asks its {@code GET /api/v1/internal/aux-status}
 * (as an internal caller) and passes the answer on. While mission-service cannot answer,
 * the caller gets a 503 problem that says so — never an empty list that would read as
 * "nothing is configured".
 */
public class AuxStatusEndpoint {

	static final Duration TIMEOUT = Duration.ofSeconds(3);

	private static final Logger log = LoggerFactory.getLogger(AuxStatusEndpoint.class);

	private final WebClient mission;

	private final IdentityAssertionSigner signer;

	/**
	 * @param missionService mission-service's base URL; null when not configured
	 */
	public AuxStatusEndpoint(URI missionService, IdentityAssertionSigner signer, ExchangeFilterFunction balancing) {
		this.mission = (missionService != null)
				? WebClient.builder().baseUrl(missionService.toString()).filter(balancing).build() : null;
		this.signer = signer;
	}

	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/api/v1/system/aux-status", this::status)
			.filter(SystemEndpoints.authenticated())
			.build();
	}

	private Mono<ServerResponse> status(ServerRequest request) {
		if (this.mission == null) {
			return unavailable(request);
		}
		return this.mission.get()
			.uri("/api/v1/internal/aux-status")
			.header(IdentityAssertion.HEADER,
					this.signer.sign(new IdentityAssertion("gateway", AuthMethod.INTERNAL, null, null)))
			.retrieve()
			.bodyToMono(Map.class)
			.timeout(TIMEOUT)
			.flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body))
			.onErrorResume(ex -> {
				log.info("mission-service did not answer aux-status: {}", ex.toString());
				return unavailable(request);
			});
	}

	private static Mono<ServerResponse> unavailable(ServerRequest request) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase());
		problem.put("status", 503);
		problem.put("detail", "mission-service, which resolves the auxiliary models, is unavailable; retry shortly");
		problem.put("instance", request.path());
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", "5")
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem);
	}

}
