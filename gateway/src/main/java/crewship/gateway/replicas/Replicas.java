package crewship.gateway.replicas;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Every replica of every service this gateway routes to, and which of them answer.
 * <p>
 * The instance list is static (devstack or the deployment names the replicas: a service's
 * {@code crewship.gateway.replicas.<service>}, comma-separated URLs; without one, its
 * single {@code crewship.gateway.services.<service>} URL). A replicated service's
 * instances are probed on {@code /readyz} every second: an instance that refuses the
 * connection leaves the rotation at once; one that answers 5xx (not ready: its database
 * is down, it is stopping) or not within {@value #PROBE_TIMEOUT_MILLIS} ms leaves it on
 * the second such probe in a row (a busy machine may miss one deadline, and a replica
 * flapping in and out would be worse) — within about 5 s either way. It rejoins on its
 * first good answer. A refused connection seen by a request takes it out too (passively;
 * see {@link Failover}). When no replica is in the rotation all are offered: the request
 * finds out, no slower. A single instance is never taken out: there is nothing to fail
 * over to, and the route's breaker already answers 503 fast when it is down.
 */
public class Replicas implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(Replicas.class);

	static final long PROBE_TIMEOUT_MILLIS = 1500;

	/** Failed probes in a row that take a replica out (a refused connection: one). */
	static final int FAILED_PROBES_TO_LEAVE = 2;

	/**
	 * One replica of a service, whether it is in the rotation, and its failed probes in a
	 * row.
	 */
	public record Instance(String service, URI uri, AtomicBoolean up, AtomicInteger failedProbes) {

		Instance(String service, URI uri) {
			this(service, uri, new AtomicBoolean(true), new AtomicInteger());
		}

		ServiceInstance serviceInstance() {
			return new DefaultServiceInstance(this.service + "@" + this.uri.getAuthority(), this.service,
					this.uri.getHost(), this.uri.getPort(), "https".equals(this.uri.getScheme()));
		}

	}

	private final Map<String, List<Instance>> instances;

	private final Map<String, AtomicInteger> nextDirect = new ConcurrentHashMap<>();

	private final WebClient probe = WebClient.builder().build();

	private final Disposable probing;

	/**
	 * @param services each service's single URL (used when no replicas are named)
	 * @param replicas comma-separated replica URLs by service; blank or missing: none
	 * @param probeInterval how often a replicated service's instances are probed
	 */
	public Replicas(Map<String, URI> services, Map<String, String> replicas, Duration probeInterval) {
		Map<String, List<Instance>> all = new LinkedHashMap<>();
		services.forEach((service, uri) -> {
			String named = replicas.getOrDefault(service, "");
			List<URI> uris = named.isBlank() ? List.of(uri)
					: Arrays.stream(named.split(","))
						.map(String::trim)
						.filter(s -> !s.isEmpty())
						.map(URI::create)
						.toList();
			all.put(service, uris.stream().map(u -> new Instance(service, u)).toList());
		});
		this.instances = Map.copyOf(all);
		boolean anyReplicated = this.instances.values().stream().anyMatch(list -> list.size() > 1);
		this.probing = anyReplicated ? Flux.interval(probeInterval, probeInterval)
			.onBackpressureDrop()
			.concatMap(tick -> probeAll())
			.subscribe() : null;
	}

	/** The services known, each with its replicas. */
	public Map<String, List<Instance>> all() {
		return this.instances;
	}

	public int size(String service) {
		return this.instances.getOrDefault(service, List.of()).size();
	}

	/**
	 * The instances of {@code service} now in the rotation; all of them when none is.
	 */
	public List<ServiceInstance> healthy(String service) {
		List<Instance> replicas = this.instances.getOrDefault(service, List.of());
		List<ServiceInstance> up = replicas.stream()
			.filter(instance -> instance.up().get())
			.map(Instance::serviceInstance)
			.toList();
		return up.isEmpty() ? replicas.stream().map(Instance::serviceInstance).toList() : up;
	}

	/** The replicas of {@code service} in the rotation (none when none is). */
	public List<URI> inRotation(String service) {
		List<Instance> replicas = this.instances.getOrDefault(service, List.of());
		return replicas.stream()
			.filter(instance -> replicas.size() == 1 || instance.up().get())
			.map(Instance::uri)
			.toList();
	}

	/**
	 * Every replica of {@code service}, those in the rotation first: for a call that may
	 * as well try a replica the probes took out when none of the others answers.
	 */
	public List<URI> preferred(String service) {
		List<Instance> replicas = this.instances.getOrDefault(service, List.of());
		return java.util.stream.Stream
			.concat(replicas.stream().filter(instance -> instance.up().get()),
					replicas.stream().filter(instance -> !instance.up().get()))
			.map(Instance::uri)
			.toList();
	}

	/**
	 * Takes the instance at {@code uri} out of the rotation (a connection to it was
	 * refused); the next good probe puts it back.
	 */
	public void markDown(String service, URI uri) {
		for (Instance instance : this.instances.getOrDefault(service, List.of())) {
			if (instance.uri().getAuthority().equals(uri.getAuthority()) && instance.up().compareAndSet(true, false)) {
				log.warn("{} at {} refused a connection; out of the rotation until it answers /readyz", service,
						instance.uri());
			}
		}
	}

	/**
	 * For the gateway's own calls to a service (auth-service's session and token
	 * questions, the vault's webhook verdicts, mission-service's engine status): each
	 * request goes to the next instance in the rotation, and a refused connection is
	 * tried once on each other instance (nothing was sent, so even a POST may go again).
	 */
	public ExchangeFilterFunction balancing(String service) {
		int attempts = Math.max(1, size(service));
		if (attempts == 1) {
			return (request, next) -> next.exchange(request);
		}
		return (request, next) -> Mono.defer(() -> {
			Instance instance = nextDirect(service);
			URI target = UriComponentsBuilder.fromUri(request.url())
				.scheme(instance.uri().getScheme())
				.host(instance.uri().getHost())
				.port(instance.uri().getPort())
				.build(true)
				.toUri();
			return next.exchange(ClientRequest.from(request).url(target).build()).doOnError(ex -> {
				if (isConnectFailure(ex)) {
					markDown(service, instance.uri());
				}
			});
		}).retryWhen(Retry.max(attempts - 1).filter(Replicas::isConnectFailure));
	}

	private Instance nextDirect(String service) {
		List<Instance> replicas = this.instances.get(service);
		List<Instance> up = replicas.stream().filter(instance -> instance.up().get()).toList();
		List<Instance> from = up.isEmpty() ? replicas : up;
		int next = this.nextDirect.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement();
		return from.get(Math.floorMod(next, from.size()));
	}

	/**
	 * Whether the call failed before anything reached the service: the connection was
	 * refused or not made in time.
	 */
	public static boolean isConnectFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private Mono<Void> probeAll() {
		List<Instance> replicated = new ArrayList<>();
		this.instances.values().stream().filter(list -> list.size() > 1).forEach(replicated::addAll);
		return Flux.fromIterable(replicated).flatMap(this::probe).then();
	}

	private Mono<Void> probe(Instance instance) {
		return this.probe.get()
			.uri(instance.uri().resolve("/readyz"))
			.exchangeToMono(response -> response.releaseBody()
				.thenReturn(response.statusCode().is5xxServerError() ? Probe.NOT_READY : Probe.READY))
			.timeout(Duration.ofMillis(PROBE_TIMEOUT_MILLIS))
			.onErrorResume(ex -> Mono.just(isConnectFailure(ex) ? Probe.REFUSED : Probe.NOT_READY))
			.doOnNext(probe -> {
				if (probe == Probe.READY) {
					instance.failedProbes().set(0);
					if (instance.up().compareAndSet(false, true)) {
						log.info("{} at {} is ready; back in the rotation", instance.service(), instance.uri());
					}
					return;
				}
				int failed = instance.failedProbes().incrementAndGet();
				if ((probe == Probe.REFUSED || failed >= FAILED_PROBES_TO_LEAVE)
						&& instance.up().compareAndSet(true, false)) {
					log.warn("{} at {} {}; out of the rotation", instance.service(), instance.uri(),
							(probe == Probe.REFUSED) ? "refuses connections" : "is not ready (" + failed + " probes)");
				}
			})
			.then();
	}

	private enum Probe {

		READY, NOT_READY, REFUSED

	}

	@Override
	public void destroy() {
		if (this.probing != null) {
			this.probing.dispose();
		}
	}

}
