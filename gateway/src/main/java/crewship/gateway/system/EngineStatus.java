package crewship.gateway.system;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;

/**
 * {@code GET /api/v1/crewshipd} of this suite: the run engine stands where the spec's
 * crewshipd daemon stood, so the gateway asks mission-service's internal
 * {@code /api/v1/internal/engine} (as the internal caller) and answers in the crew pages'
 * status vocabulary — {@code running} while a replica beats, {@code stopped} when none
 * does, {@code unknown} when mission-service does not answer in time (the truth: the
 * gateway cannot tell), never an error status for the page to crash on.
 */
public class EngineStatus {

	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final WebClient client;

	private final IdentityAssertionSigner signer;

	public EngineStatus(URI missionService, IdentityAssertionSigner signer, ExchangeFilterFunction balancing) {
		this.client = WebClient.builder().baseUrl(missionService.toString()).filter(balancing).build();
		this.signer = signer;
	}

	/**
	 * The crewshipd schema's {@code status}, {@code message}, {@code version} (left out
	 * when unknown), and the engine's figures beside them.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Crewshipd(String status, String message, String version, Long replicasUp, Long queueDepth, Long runsInFlight,
			Long uptimeSeconds) {
	}

	Mono<Crewshipd> status() {
		return this.client.get()
			.uri("/api/v1/internal/engine")
			.header(IdentityAssertion.HEADER,
					this.signer.sign(new IdentityAssertion("gateway", AuthMethod.INTERNAL, null, null)))
			.retrieve()
			.bodyToMono(Map.class)
			.timeout(TIMEOUT)
			.map(EngineStatus::of)
			.onErrorResume(ex -> Mono.just(new Crewshipd("unknown",
					"mission-service, which runs the run engine, did not answer: its state is unknown", null, null,
					null, null, null)));
	}

	static Crewshipd of(Map<?, ?> engine) {
		long up = number(engine.get("replicas_up"));
		long queued = number(engine.get("queue_depth"));
		long inFlight = number(engine.get("runs_in_flight"));
		long uptime = number(engine.get("uptime_seconds"));
		String status = (up > 0) ? "running" : "stopped";
		String message = (up > 0)
				? "Run engine: " + up + " replica" + ((up == 1) ? "" : "s") + " up, " + inFlight + " run"
						+ ((inFlight == 1) ? "" : "s") + " in flight, " + queued + " queued; runtime "
						+ engine.get("runtime")
				: "Run engine: no replica is up; runs wait in the queue (" + queued + ")";
		Object version = engine.get("version");
		return new Crewshipd(status, message, (version instanceof String text) ? text : null, up, queued, inFlight,
				uptime);
	}

	private static long number(Object value) {
		return (value instanceof Number number) ? number.longValue() : 0;
	}

}
