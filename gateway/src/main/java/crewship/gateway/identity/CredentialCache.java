package crewship.gateway.identity;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

/**
 * A short memory of auth-service's verdicts, per gateway replica. Kept for at most
 * {@link #TTL}, so a revocation (sign-out, session revoke, password change, token revoke)
 * is honoured by every replica within 5 s without any replica telling the others.
 */
public class CredentialCache {

	public static final Duration TTL = Duration.ofSeconds(4);

	private final AsyncCache<String, Optional<AuthService.Holder>> verdicts = Caffeine.newBuilder()
		.expireAfterWrite(TTL)
		.maximumSize(100_000)
		.buildAsync();

	/**
	 * The verdict for a credential, asking auth-service once however many requests wait.
	 * A waiter that cancels (the edge cancels the rest once an authenticator answered, a
	 * client may hang up) must not cancel the shared future: that would fail every other
	 * waiter, and {@code CompletableFuture.cancel} on the done future runs the remaining
	 * waiters nested on the caller's stack — hundreds of them overflowed it.
	 */
	public Mono<Optional<AuthService.Holder>> get(String key,
			Function<String, Mono<Optional<AuthService.Holder>>> ask) {
		// the question runs in the asking request's context, so its log lines carry that
		// request's id and trace
		return Mono.deferContextual(context -> Mono.fromFuture(
				() -> this.verdicts.get(key, (k, executor) -> ask.apply(k).contextWrite(context).toFuture()), true));
	}

}
