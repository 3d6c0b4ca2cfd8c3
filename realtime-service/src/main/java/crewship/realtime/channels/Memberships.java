package crewship.realtime.channels;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.web.reactive.function.client.WebClient;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.json.JsonMapper;

/**
 * Workspace memberships, in memory: realtime-service has no database. Each replica reads
 * the compacted {@code crewship.memberships.v1} whole at start (its own consumer group,
 * from the beginning) — nothing another replica needs — and asks auth-service about a
 * membership it has not seen yet (read-your-writes right after a workspace is created),
 * remembering that answer briefly.
 */
public class Memberships {

	private static final Logger log = LoggerFactory.getLogger(Memberships.class);

	static final Duration LOOKUP_TTL = Duration.ofSeconds(5);

	private final Map<String, Membership> replica = new ConcurrentHashMap<>();

	private final AsyncCache<String, Optional<Membership>> lookups = Caffeine.newBuilder()
		.expireAfterWrite(LOOKUP_TTL)
		.maximumSize(100_000)
		.buildAsync();

	private final WebClient internal;

	private final JsonMapper json;

	public Memberships(WebClient internal, JsonMapper json) {
		this.internal = internal;
		this.json = json;
	}

	@KafkaListener(id = "realtime-memberships", topics = Topics.MEMBERSHIPS,
			groupId = "${spring.application.name}-memberships-${crewship.realtime.instance-id}",
			properties = "auto.offset.reset=earliest")
	void onMembership(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return; // a tombstone only compacts the topic; the removal before it applied
		}
		EventEnvelope event = this.json.readValue(record.value(), EventEnvelope.class);
		if (Membership.CHANGED.equals(event.type())) {
			apply(this.json.treeToValue(event.data(), Membership.class));
		}
	}

	/** Keeps the newest version of each membership (replays converge). */
	void apply(Membership membership) {
		this.replica.merge(Membership.key(membership.workspaceId(), membership.userId()), membership,
				(known, incoming) -> (incoming.version() > known.version()) ? incoming : known);
	}

	/**
	 * What this replica knows now, without asking anyone (for every delivery).
	 */
	public boolean isKnownMember(String workspaceId, String userId) {
		Membership known = this.replica.get(Membership.key(workspaceId, userId));
		return known != null && known.role() != null;
	}

	/**
	 * @return the user's role, empty when no member; an error when auth-service had to be
	 * asked and did not answer
	 */
	public Mono<Optional<WorkspaceRole>> roleOf(String workspaceId, String userId) {
		Membership known = this.replica.get(Membership.key(workspaceId, userId));
		if (known != null) {
			return Mono.just(Optional.ofNullable(known.role()));
		}
		// a socket closing mid-lookup must not cancel the call other sockets share
		return Mono
			.fromFuture(() -> this.lookups.get(Membership.key(workspaceId, userId),
					(key, executor) -> fetch(workspaceId, userId).toFuture()), true)
			.map(found -> {
				found.ifPresent(this::apply);
				return found.map(Membership::role);
			});
	}

	private Mono<Optional<Membership>> fetch(String workspaceId, String userId) {
		return this.internal.get()
			.uri("/api/v1/internal/memberships/{workspaceId}/{userId}", workspaceId, userId)
			.exchangeToMono(response -> {
				if (response.statusCode() == HttpStatus.NOT_FOUND) {
					return response.releaseBody().thenReturn(Optional.<Membership>empty());
				}
				if (!response.statusCode().is2xxSuccessful()) {
					return response.releaseBody()
						.then(Mono.error(new IllegalStateException("auth-service answered " + response.statusCode())));
				}
				return response.bodyToMono(String.class)
					.map(body -> Optional.of(this.json.readValue(body, Membership.class)));
			})
			.timeout(Duration.ofSeconds(3))
			.doOnError(ex -> log.warn("Membership lookup failed: {}", ex.getMessage()));
	}

}
