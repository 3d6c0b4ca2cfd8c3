package crewship.gateway;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.info.GitProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import crewship.gateway.edge.AdmissionControl;
import crewship.gateway.edge.BrowserCors;
import crewship.gateway.edge.CsrfGuard;
import crewship.gateway.edge.EdgeIdentityFilter;
import crewship.gateway.edge.Fallbacks;
import crewship.gateway.edge.InternalListener;
import crewship.gateway.edge.InternalSocketListener;
import crewship.gateway.edge.RequestIdFilter;
import crewship.gateway.health.SuiteHealth;
import crewship.gateway.openapi.SuiteOpenApi;
import crewship.gateway.replicas.Failover;
import crewship.gateway.replicas.ReplicaLoadBalancing;
import crewship.gateway.replicas.ReplicaSettings;
import crewship.gateway.replicas.Replicas;
import crewship.gateway.identity.AuthService;
import crewship.gateway.identity.AuthTokens;
import crewship.gateway.identity.Authenticator;
import crewship.gateway.identity.CliTokenAuthenticator;
import crewship.gateway.identity.CredentialCache;
import crewship.gateway.identity.SessionCookieAuthenticator;
import crewship.gateway.identity.WsTokenAuthenticator;
import crewship.gateway.identity.InternalTokenAuthenticator;
import crewship.gateway.identity.VaultVerifier;
import crewship.gateway.identity.WebhookSignatureAuthenticator;
import crewship.gateway.system.AuxStatusEndpoint;
import crewship.gateway.system.EngineStatus;
import crewship.gateway.system.SystemEndpoints;
import crewship.gateway.ui.WebUi;
import crewship.gateway.ui.WebUiProperties;
import crewship.platform.identity.IdentityAssertionSigner;
import crewship.platform.identity.SigningKeys;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = ReplicaLoadBalancing.class)
class GatewayConfiguration {

	/**
	 * Every replica of every service and which answer: what the {@code lb://} routes and
	 * the gateway's own calls to services choose from.
	 */
	@Bean
	Replicas replicas(GatewayProperties properties, ReplicaSettings settings) {
		return new Replicas(properties.services(), settings.replicas(), settings.replicaProbeInterval());
	}

	/** A refused connection to one replica is retried on the next. */
	@Bean
	Failover failover(Replicas replicas) {
		return new Failover(replicas);
	}

	/**
	 * Every gateway replica must hold the same key: services verify against any replica's
	 * JWKS.
	 */
	@Bean
	SigningKeys gatewayKeys(GatewayProperties properties) {
		return SigningKeys.load(properties.signingKey(), properties.signingKeyFile(), "CREWSHIP_GATEWAY_SIGNING_KEY");
	}

	@Bean
	IdentityAssertionSigner identityAssertionSigner(SigningKeys keys) {
		return new IdentityAssertionSigner(keys.signingKey());
	}

	@Bean
	AuthService authService(GatewayProperties properties, IdentityAssertionSigner signer, Replicas replicas) {
		return new AuthService(properties.services().get("auth-service"), signer, replicas.balancing("auth-service"));
	}

	/**
	 * In the order they are asked; the first that recognises its credential decides. The
	 * webhook signature comes first: a webhook path is decided by its signature alone,
	 * whatever cookie the sender's client may carry.
	 */
	@Bean
	List<Authenticator> authenticators(GatewayProperties properties, AuthService auth, IdentityAssertionSigner signer,
			Replicas replicas) {
		// any auth-service replica's key set: they all publish the same keys
		AuthTokens tokens = new AuthTokens(
				() -> replicas.preferred("auth-service").stream().map(AuthService::jwksUri).toList());
		CredentialCache cache = new CredentialCache();
		VaultVerifier vault = new VaultVerifier(properties.services().get("credential-vault-service"), signer,
				replicas.balancing("credential-vault-service"));
		return List.of(new WebhookSignatureAuthenticator(vault),
				new InternalTokenAuthenticator(properties.internalToken()),
				new WsTokenAuthenticator(tokens, auth, cache), new CliTokenAuthenticator(auth, cache),
				new SessionCookieAuthenticator(tokens, auth, cache));
	}

	@Bean
	EdgeIdentityFilter edgeIdentityFilter(GatewayProperties properties, List<Authenticator> authenticators,
			IdentityAssertionSigner signer) {
		return new EdgeIdentityFilter(properties.internalPort(), authenticators, signer,
				new CsrfGuard(properties.allowedOrigins()));
	}

	/**
	 * Queues a burst and sheds a sustained excess before a service's breaker sees it: a
	 * busy service must not look like a broken one.
	 */
	@Bean
	AdmissionControl admissionControl(GatewayProperties properties,
			@Value("${crewship.gateway.admission.max-concurrent-per-service:256}") int maxConcurrent,
			@Value("${crewship.gateway.admission.max-queued-per-service:1024}") int maxQueued,
			@Value("${crewship.gateway.admission.max-wait:5s}") Duration maxWait, MeterRegistry meters) {
		return new AdmissionControl(properties.services(), maxConcurrent, maxQueued, maxWait, meters);
	}

	@Bean
	RequestIdFilter requestIdFilter() {
		return new RequestIdFilter();
	}

	/**
	 * Second of the gateway's filters (after the request id): preflights are answered
	 * before anything else runs.
	 */
	@Bean
	BrowserCors browserCors(GatewayProperties properties) {
		return new BrowserCors(properties.allowedOrigins());
	}

	@Bean
	RouterFunction<ServerResponse> systemEndpoints(ObjectProvider<BuildProperties> build,
			ObjectProvider<GitProperties> git, GatewayProperties properties, IdentityAssertionSigner signer,
			Replicas replicas) {
		return new SystemEndpoints(build.getIfAvailable(), git.getIfAvailable(), new EngineStatus(
				properties.services().get("mission-service"), signer, replicas.balancing("mission-service")))
			.routes();
	}

	/**
	 * {@code GET /api/v1/openapi.json}: the services' documents merged, open to anyone.
	 */
	@Bean
	RouterFunction<ServerResponse> suiteOpenApi(GatewayProperties properties, IdentityAssertionSigner signer,
			JsonMapper json, ObjectProvider<BuildProperties> build) {
		BuildProperties info = build.getIfAvailable();
		return new SuiteOpenApi(properties.services(), signer, json, (info != null) ? info.getVersion() : "dev")
			.routes();
	}

	@Bean
	RouterFunction<ServerResponse> auxStatusEndpoint(GatewayProperties properties, IdentityAssertionSigner signer,
			Replicas replicas) {
		return new AuxStatusEndpoint(properties.services().get("mission-service"), signer,
				replicas.balancing("mission-service"))
			.routes();
	}

	/**
	 * The web UI's static export when {@code CREWSHIP_UI_DIR} names one; otherwise no
	 * route, so non-API paths stay the 404 problem they were.
	 */
	@Bean
	RouterFunction<ServerResponse> webUi(WebUiProperties ui) {
		return ui.enabled() ? new WebUi(Path.of(ui.dir())).routes() : request -> Mono.empty();
	}

	@Bean
	InternalListener internalListener(GatewayProperties properties, HttpHandler httpHandler) {
		return new InternalListener(properties.internalPort(), httpHandler);
	}

	@Bean
	@ConditionalOnExpression("'${crewship.gateway.internal-socket:}' != ''")
	InternalSocketListener internalSocketListener(GatewayProperties properties, HttpHandler httpHandler,
			@Value("${crewship.gateway.internal-socket}") Path socket) {
		return new InternalSocketListener(socket, properties.internalPort(), httpHandler);
	}

	@Bean
	RouterFunction<ServerResponse> gatewayEndpoints(Replicas replicas, SigningKeys keys) {
		SuiteHealth health = new SuiteHealth(replicas);
		Fallbacks fallbacks = new Fallbacks();
		return RouterFunctions.route()
			.GET("/api/health", health::handle)
			.GET("/api/v1/internal/jwks", request -> ServerResponse.ok().bodyValue(keys.publicJwks()))
			.route(RequestPredicates.path(Fallbacks.PATH), fallbacks::handle)
			.build();
	}

	/**
	 * Every route's breaker: opens when half of the last 20 calls failed, probes again
	 * after 10 s; a call may take 30 s (long polls and slow provider tests pass through
	 * the gateway). What counts as a failure is the service's own: a refused connection
	 * or a timeout. Load is {@link AdmissionControl}'s business (the library's own
	 * bulkhead is off, see application.yml), so a busy service never opens its breaker.
	 */
	@Bean
	Customizer<ReactiveResilience4JCircuitBreakerFactory> breakerDefaults() {
		return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
			.circuitBreakerConfig(CircuitBreakerConfig.custom()
				.slidingWindowSize(20)
				.minimumNumberOfCalls(10)
				.failureRateThreshold(50)
				.waitDurationInOpenState(Duration.ofSeconds(10))
				.build())
			.timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(30)).build())
			.build());
	}

}
