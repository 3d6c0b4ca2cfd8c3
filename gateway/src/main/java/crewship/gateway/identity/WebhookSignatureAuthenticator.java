package crewship.gateway.identity;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Secrets;

/**
 * The fifth authenticator: a signed delivery to {@code /api/v1/webhooks/**}. An agent
 * trigger ({@code /{crewId}/{agentId}/trigger}) is checked against the agent's secret, a
 * pipeline dispatch ({@code /{token}}) against its webhook's (the vault knows it by the
 * token's SHA-256, never the token). Only the verdict and the target travel on; the
 * plaintext {@code X-Webhook-Secret} never reaches a service.
 */
public class WebhookSignatureAuthenticator implements Authenticator {

	static final String SUNSET = "Thu, 31 Dec 2026 23:59:59 GMT";

	private static final Pattern AGENT_TRIGGER = Pattern.compile("^/api/v1/webhooks/([^/]+)/([^/]+)/trigger$");

	private static final Pattern PIPELINE = Pattern.compile("^/api/v1/webhooks/([^/]+)$");

	/** The raw body, kept by {@link #replayableBody} for the signature check. */
	static final String RAW_BODY = WebhookSignatureAuthenticator.class.getName() + ".rawBody";

	private final VaultVerifier vault;

	public WebhookSignatureAuthenticator(VaultVerifier vault) {
		this.vault = vault;
	}

	private record Target(String kind, String id) {
	}

	/** Whether the request is a webhook delivery this authenticator alone decides. */
	public static boolean claims(ServerWebExchange exchange, Listener listener) {
		return listener == Listener.PUBLIC && target(exchange.getRequest()).isPresent();
	}

	/**
	 * Reads the body once (bounded) so it can be both verified and forwarded byte for
	 * byte. @return the exchange to go on with
	 */
	public static Mono<ServerWebExchange> replayableBody(ServerWebExchange exchange, int maxBytes) {
		return DataBufferUtils.join(exchange.getRequest().getBody(), maxBytes).map(buffer -> {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			DataBufferUtils.release(buffer);
			return bytes;
		}).defaultIfEmpty(new byte[0]).map(bytes -> {
			exchange.getAttributes().put(RAW_BODY, bytes);
			ServerHttpRequest replay = new ServerHttpRequestDecorator(exchange.getRequest()) {
				@Override
				public Flux<DataBuffer> getBody() {
					return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
				}
			};
			return exchange.mutate().request(replay).build();
		}).onErrorMap(DataBufferLimitException.class, ex -> new AuthenticationException("Body too large", 413));
	}

	@Override
	public Mono<IdentityAssertion> authenticate(ServerWebExchange exchange, Listener listener) {
		if (listener != Listener.PUBLIC) {
			return Mono.empty();
		}
		Optional<Target> target = target(exchange.getRequest());
		if (target.isEmpty()) {
			return Mono.empty();
		}
		byte[] body = exchange.getAttributeOrDefault(RAW_BODY, new byte[0]);
		return this.vault.verify(target.get().kind(), target.get().id(), body, exchange.getRequest().getHeaders())
			.flatMap(verdict -> {
				if (!verdict.valid()) {
					return Mono.error(new AuthenticationException(verdict.reason(), verdict.status()));
				}
				if (verdict.deprecated()) {
					exchange.getResponse().beforeCommit(() -> {
						exchange.getResponse().getHeaders().set("Deprecation", "true");
						exchange.getResponse().getHeaders().set("Sunset", SUNSET);
						return Mono.empty();
					});
				}
				return Mono.just(new IdentityAssertion("webhook", AuthMethod.WEBHOOK, null, verdict.target()));
			});
	}

	private static Optional<Target> target(ServerHttpRequest request) {
		if (request.getMethod() != HttpMethod.POST) {
			return Optional.empty();
		}
		String path = request.getPath().pathWithinApplication().value();
		Matcher agent = AGENT_TRIGGER.matcher(path);
		if (agent.matches()) {
			return Optional.of(new Target("agents", agent.group(2)));
		}
		Matcher pipeline = PIPELINE.matcher(path);
		if (pipeline.matches()) {
			return Optional.of(new Target("pipelines", Secrets.sha256Hex(pipeline.group(1))));
		}
		return Optional.empty();
	}

}
