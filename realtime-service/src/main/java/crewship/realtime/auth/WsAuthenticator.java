package crewship.realtime.auth;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.core.scheduler.Schedulers;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.AuthServiceTokens;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalProperties;
import crewship.realtime.RealtimeProperties;

/**
 * Who is on a socket. The gateway checks {@code ?token=} at the handshake and forwards
 * the verdict as a signed assertion, but it cannot see WebSocket frames: the
 * first-message {@code {"type":"auth","token":…}} is checked here, with the same verifier
 * the gateway uses ({@link AuthServiceTokens}) and the same session-liveness question to
 * auth-service.
 */
public class WsAuthenticator {

	/** The verdict on a token or a session. */
	public enum Verdict {

		VALID, INVALID, UNAVAILABLE

	}

	/** The verdict and, when valid, the caller. */
	public record Result(Verdict verdict, IdentityAssertion caller) {
	}

	private final AuthServiceTokens tokens;

	private final LiveSessions sessions;

	private final Duration patience;

	/**
	 * @param patience how long a new socket's first message may wait for auth-service's
	 * answer on its session, asking again after a failure, before the socket is told to
	 * come back later (1013); shorter than the socket's authentication deadline
	 */
	public WsAuthenticator(AuthServiceTokens tokens, LiveSessions sessions, Duration patience) {
		this.tokens = tokens;
		this.sessions = sessions;
		this.patience = patience;
	}

	public static WsAuthenticator create(RealtimeProperties properties, InternalProperties internal,
			LiveSessions sessions) {
		Map<String, List<String>> headers = (internal.token() != null && !internal.token().isBlank())
				? Map.of(InternalProperties.TOKEN_HEADER, List.of(internal.token())) : Map.of();
		return new WsAuthenticator(AuthServiceTokens.fetchingKeys(properties.authJwksUri(), headers), sessions,
				properties.authTimeout().multipliedBy(7).dividedBy(10));
	}

	/** Checks a WebSocket token sent as the first message. */
	public Mono<Result> firstMessage(String token) {
		if (token == null || token.isBlank()) {
			return Mono.just(new Result(Verdict.INVALID, null));
		}
		return Mono.fromCallable(() -> this.tokens.verify(token, AuthServiceTokens.Use.WS))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(claims -> claims.isEmpty() ? Mono.just(new Result(Verdict.INVALID, null))
					: patiently(new IdentityAssertion(claims.get().userId(), AuthMethod.WS, claims.get().sessionId(),
							null)))
			.onErrorResume(AuthServiceTokens.KeysUnavailableException.class,
					ex -> Mono.just(new Result(Verdict.UNAVAILABLE, null)));
	}

	/**
	 * {@link #live} asked again, with back-off, while auth-service cannot answer. The
	 * sockets of one session share one question (LiveSessions), so when a thousand
	 * browsers reconnect at once — a realtime restart — one slow answer under that burst
	 * would otherwise turn all of them away together; a failed question is not
	 * remembered, so each attempt asks afresh.
	 */
	private Mono<Result> patiently(IdentityAssertion caller) {
		return live(caller)
			.flatMap(result -> (result.verdict() == Verdict.UNAVAILABLE) ? Mono.<Result>error(new Unanswered())
					: Mono.just(result))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(250))
				.maxBackoff(Duration.ofSeconds(2))
				.filter(Unanswered.class::isInstance))
			.timeout(this.patience)
			.onErrorResume(ex -> Mono.just(new Result(Verdict.UNAVAILABLE, null)));
	}

	/** auth-service did not answer on a session this time. */
	private static final class Unanswered extends RuntimeException {

		Unanswered() {
			super("auth-service did not answer", null, false, false);
		}

	}

	/**
	 * Whether the caller's session still stands (asked again every few seconds, so a
	 * sign-out or revoke closes the socket within seconds).
	 */
	public Mono<Result> live(IdentityAssertion caller) {
		if (caller.credentialId() == null) {
			return Mono.just(new Result(Verdict.INVALID, null));
		}
		return this.sessions.owner(caller.credentialId())
			.map(owner -> owner.filter(caller.subject()::equals).isPresent() ? new Result(Verdict.VALID, caller)
					: new Result(Verdict.INVALID, null))
			.onErrorResume(ex -> Mono.just(new Result(Verdict.UNAVAILABLE, null)));
	}

}
