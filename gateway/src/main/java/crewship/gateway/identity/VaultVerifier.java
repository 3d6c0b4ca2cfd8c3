package crewship.gateway.identity;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.identity.IdentityAssertionSigner;

/**
 * Asks credential-vault-service whether a webhook delivery is signed by its target's
 * secret. The secret never leaves the vault: the gateway sends the raw body and the
 * sender's headers, and gets a verdict back.
 */
public class VaultVerifier {

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	/** The sender headers the vault reads; nothing else is passed on. */
	static final List<String> SIGNATURE_HEADERS = List.of("X-Signature", "X-Timestamp", "X-Webhook-Secret",
			"X-Crewship-Signature", "X-Crewship-Timestamp");

	private final WebClient client;

	private final IdentityAssertionSigner signer;

	public VaultVerifier(URI baseUrl, IdentityAssertionSigner signer, ExchangeFilterFunction balancing) {
		this.client = WebClient.builder().baseUrl(baseUrl.toString()).filter(balancing).build();
		this.signer = signer;
	}

	/** The vault's answer: valid or not, the status to refuse with, and the target. */
	public record Verdict(boolean valid, int status, String reason, boolean deprecated, String target) {
	}

	/**
	 * @param kind {@code agents} or {@code pipelines}
	 */
	public Mono<Verdict> verify(String kind, String targetId, byte[] body, HttpHeaders presented) {
		return this.client.post()
			.uri("/api/v1/internal/webhook-secrets/{kind}/{target}/verify", kind, targetId)
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.headers(headers -> {
				for (String name : SIGNATURE_HEADERS) {
					String value = presented.getFirst(name);
					if (value != null) {
						headers.set(name, value);
					}
				}
				headers.set(IdentityAssertion.HEADER,
						this.signer.sign(new IdentityAssertion("gateway", AuthMethod.INTERNAL, null, null)));
			})
			.bodyValue(body)
			.retrieve()
			.bodyToMono(Map.class)
			.map(answer -> new Verdict(Boolean.TRUE.equals(answer.get("valid")),
					((Number) answer.get("status")).intValue(), String.valueOf(answer.get("reason")),
					Boolean.TRUE.equals(answer.get("deprecated")), String.valueOf(answer.get("target"))))
			.timeout(TIMEOUT)
			.onErrorMap(ex -> new Authenticator.AuthenticationUnavailableException(
					"credential-vault-service did not answer", ex));
	}

}
