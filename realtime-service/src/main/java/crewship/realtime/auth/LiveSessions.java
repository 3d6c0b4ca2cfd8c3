package crewship.realtime.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Is a session still live, and whose is it? Asked of auth-service (through the gateway's
 * internal listener) and remembered {@link #TTL}, so a revoked session is noticed within
 * seconds by every replica while a thousand sockets of one session cost one question.
 */
public class LiveSessions {

	static final Duration TTL = Duration.ofSeconds(4);

	private static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final WebClient internal;

	private final AsyncCache<String, Optional<String>> owners = Caffeine.newBuilder()
		.expireAfterWrite(TTL)
		.maximumSize(100_000)
		.buildAsync();

	public LiveSessions(WebClient internal) {
		this.internal = internal;
	}

	/**
	 * @return the user owning the live session, or empty when it is gone
	 * @throws IllegalStateException (as an error signal) when auth-service did not answer
	 */
	public Mono<Optional<String>> owner(String sessionId) {
		// a socket closing mid-lookup must not cancel the call other sockets share
		return Mono.fromFuture(() -> this.owners.get(sessionId, (id, executor) -> ask(id).toFuture()), true);
	}

	@SuppressWarnings("rawtypes")
	private Mono<Optional<String>> ask(String sessionId) {
		return this.internal.get().uri("/api/v1/internal/auth/sessions/{id}", sessionId).exchangeToMono(response -> {
			if (response.statusCode() == HttpStatus.NOT_FOUND) {
				return response.releaseBody().thenReturn(Optional.<String>empty());
			}
			if (!response.statusCode().is2xxSuccessful()) {
				return response.releaseBody()
					.then(Mono.error(new IllegalStateException("auth-service answered " + response.statusCode())));
			}
			return response.bodyToMono(Map.class)
				.map(body -> Optional.ofNullable((Object) body.get("user_id")).map(String::valueOf));
		}).timeout(TIMEOUT);
	}

}
