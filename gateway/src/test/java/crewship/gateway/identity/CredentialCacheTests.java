package crewship.gateway.identity;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many requests with one credential wait on one shared verdict. The edge takes the first
 * authenticator's answer and cancels the rest ({@code concatMap(...).next()}), so each
 * waiter cancels its view of the verdict: that must neither cancel the shared verdict nor
 * run every other waiter on the completing thread's stack (it did: 400 connections with
 * one CLI token overflowed the stack and the route's breaker opened).
 */
class CredentialCacheTests {

	@Test
	void thousandsOfWaitersOnOneVerdictAllGetItAndCancellingDoesNotSpreadToTheOthers() {
		CredentialCache cache = new CredentialCache();
		Sinks.One<Optional<AuthService.Holder>> verdict = Sinks.one();
		AtomicInteger asked = new AtomicInteger();
		List<Object> answers = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		int waiters = 20_000;
		for (int i = 0; i < waiters; i++) {
			Flux.just("cli").concatMap(kind -> cache.get("cli:abc", key -> {
				asked.incrementAndGet();
				return verdict.asMono();
			})).next().subscribe(answers::add, failures::add);
		}
		verdict.tryEmitValue(Optional.of(new AuthService.Holder("u1", "t1")));
		assertThat(failures).isEmpty();
		assertThat(answers).hasSize(waiters);
		assertThat(asked).hasValue(1);
		// the shared verdict is still there for the next request
		assertThat(cache.get("cli:abc", key -> {
			throw new AssertionError("asked again");
		}).block()).contains(new AuthService.Holder("u1", "t1"));
	}

}
