package crewship.mission.journal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import crewship.mission.JournalTestSupport;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: one replica holds 500 open journal streams without a thread each, and a new
 * entry reaches every one of them.
 */
class JournalStreamLoadTests extends JournalTestSupport {

	static final int STREAMS = 500;

	@Autowired
	JournalStreams streams;

	@Autowired
	Journal journal;

	@Test
	void fiveHundredStreamsShareOnePoller() throws Exception {
		int threadsBefore = Thread.activeCount();
		int openBefore = this.streams.openCount();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String marker = "marker-" + Cuid.next();
		AtomicInteger reached = new AtomicInteger();
		List<Flow.Subscription> subscriptions = new ArrayList<>();
		List<CompletableFuture<HttpResponse<Void>>> responses = new ArrayList<>();
		for (int i = 0; i < STREAMS; i++) {
			HttpRequest request = HttpRequest
				.newBuilder(URI.create(
						"http://localhost:" + this.port + "/api/v1/journal/stream?workspace_id=" + this.workspaceId))
				.header(IdentityAssertion.HEADER, TestIdentities.session(this.ownerId, "s-" + this.ownerId))
				.build();
			responses
				.add(client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<>() {

					@Override
					public void onSubscribe(Flow.Subscription subscription) {
						synchronized (subscriptions) {
							subscriptions.add(subscription);
						}
						subscription.request(Long.MAX_VALUE);
					}

					@Override
					public void onNext(String line) {
						if (line.startsWith("data:") && line.contains(marker)) {
							reached.incrementAndGet();
						}
					}

					@Override
					public void onError(Throwable throwable) {
					}

					@Override
					public void onComplete() {
					}

				})));
		}
		await("500 streams open", () -> this.streams.openCount() - openBefore >= STREAMS);
		assertThat(Thread.activeCount() - threadsBefore).as("threads added for %d streams", STREAMS)
			.isLessThan(STREAMS / 2);

		this.journal.append(new NewEntry("load:" + Cuid.next(), this.workspaceId, Timestamps.now(), "note.added",
				"info", "system", null, null, null, null, null, marker, null, Map.of(), null));
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (reached.get() < STREAMS && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(reached.get()).as("streams that received the new entry").isEqualTo(STREAMS);
		synchronized (subscriptions) {
			subscriptions.forEach(Flow.Subscription::cancel);
		}
		responses.forEach(response -> response.cancel(true));
	}

}
