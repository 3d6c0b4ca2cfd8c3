package crewship.gateway.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import crewship.gateway.openapi.OpenApiMerger.Part;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/openapi.json}: the suite's one OpenAPI 3.1 document, open to anyone
 * like the reference it follows (it describes the API, not any data; clients and code
 * generators read it before they have a credential). The gateway merges its own
 * operations with each service's springdoc document, which the service serves at
 * {@code /internal/openapi} on its own port to the gateway's signed internal assertion
 * only.
 * <p>
 * The merged document is kept in a Caffeine cache: refreshed in the background a minute
 * after it was built (the stale one is served meanwhile); a document that lacks a service
 * that did not answer lives 5 s only, so the service's operations are back soon after it
 * is. Which services are missing is said in {@code x-crewship-missing-services}; the rest
 * is served.
 */
public class SuiteOpenApi {

	public static final String PATH = "/api/v1/openapi.json";

	/**
	 * The services with HTTP operations, in the order their operations are merged;
	 * realtime-service serves only the {@code /ws} WebSocket, which OpenAPI does not
	 * describe.
	 */
	static final List<String> SERVICES = List.of("auth-service", "crew-service", "mission-service", "issue-service",
			"credential-vault-service", "webhook-service");

	static final String SERVICE_DOCUMENT = "/internal/openapi";

	static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);

	static final Duration REFRESH_AFTER = Duration.ofMinutes(1);

	static final Duration COMPLETE_FOR = Duration.ofMinutes(10);

	static final Duration PARTIAL_FOR = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(SuiteOpenApi.class);

	private final Map<String, WebClient> services;

	private final IdentityAssertionSigner signer;

	private final JsonMapper json;

	private final JsonNode gateway;

	private final String version;

	private final AsyncLoadingCache<String, Merged> cache;

	/** A merged document and the services it lacks. */
	record Merged(byte[] body, List<String> missing) {
	}

	public SuiteOpenApi(Map<String, URI> serviceUrls, IdentityAssertionSigner signer, JsonMapper json, String version) {
		this(serviceUrls, signer, json, version, REFRESH_AFTER, PARTIAL_FOR);
	}

	SuiteOpenApi(Map<String, URI> serviceUrls, IdentityAssertionSigner signer, JsonMapper json, String version,
			Duration refreshAfter, Duration partialFor) {
		this.services = new java.util.LinkedHashMap<>();
		for (String service : SERVICES) {
			Optional.ofNullable(serviceUrls.get(service))
				.ifPresent(url -> this.services.put(service,
						WebClient.builder()
							.baseUrl(url.toString())
							.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024))
							.build()));
		}
		this.signer = signer;
		this.json = json;
		this.version = version;
		try (InputStream in = new ClassPathResource("openapi/gateway.json").getInputStream()) {
			this.gateway = json.readTree(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.cache = Caffeine.newBuilder()
			.refreshAfterWrite(refreshAfter)
			.expireAfter(Expiry
				.<String, Merged>creating((key, merged) -> merged.missing().isEmpty() ? COMPLETE_FOR : partialFor))
			.buildAsync((key, executor) -> build().toFuture());
	}

	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET(PATH,
					request -> Mono.fromFuture(this.cache.get(PATH))
						.flatMap(merged -> ServerResponse.ok()
							.contentType(MediaType.APPLICATION_JSON)
							.cacheControl(CacheControl.maxAge(Duration.ofSeconds(60)).cachePublic())
							.bodyValue(merged.body())))
			.build();
	}

	/** Asks every service at once; those that do not answer in time are left out. */
	Mono<Merged> build() {
		return Flux.fromIterable(this.services.entrySet())
			.flatMapSequential(entry -> fetch(entry.getKey(), entry.getValue()))
			.collectList()
			.map(fetched -> {
				List<Part> parts = new ArrayList<>();
				parts.add(new Part("gateway", this.gateway));
				List<String> missing = new ArrayList<>();
				for (Fetched one : fetched) {
					if (one.document() != null) {
						parts.add(new Part(one.service(), one.document()));
					}
					else {
						missing.add(one.service());
					}
				}
				if (!missing.isEmpty()) {
					log.info("OpenAPI document merged without {} (did not answer)", missing);
				}
				return new Merged(this.json.writeValueAsBytes(OpenApiMerger.merge(parts, missing, this.version)),
						List.copyOf(missing));
			});
	}

	private record Fetched(String service, JsonNode document) {
	}

	private Mono<Fetched> fetch(String service, WebClient client) {
		return client.get()
			.uri(SERVICE_DOCUMENT)
			.header(IdentityAssertion.HEADER,
					this.signer.sign(new IdentityAssertion("gateway", AuthMethod.INTERNAL, null, null)))
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(byte[].class)
			.timeout(FETCH_TIMEOUT)
			.map(body -> new Fetched(service, this.json.readTree(body)))
			.filter(fetched -> fetched.document().has("paths"))
			.onErrorResume(ex -> {
				log.debug("{} did not give its OpenAPI document: {}", service, ex.toString());
				return Mono.empty();
			})
			.defaultIfEmpty(new Fetched(service, null));
	}

}
