package crewship.realtime.channels;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which workspace a {@code crew:}, {@code files:}, {@code agent:}, {@code mission:} or
 * {@code session:} channel belongs to: learnt from the {@code workspace_id} of the events
 * this replica fans out, and on a miss asked of the owning service through the gateway's
 * internal listener ({@code GET /api/v1/internal/crews/{id}}, {@code …/agents/{id}},
 * {@code …/chats/{id}} for a {@code session:} channel).
 * <p>
 * An entity never moves between workspaces, so a known mapping is kept until evicted by
 * size; an owner's "no such entity" only for a few seconds (it may be created right
 * after, and a burst of subscribes to a bogus id should not each cost a call). Concurrent
 * misses for the same entity share one call. Chat sessions are asked of mission-service,
 * which holds the chats (a session must be subscribable before its first event: the
 * client subscribes, then sends). Missions have no owner lookup yet (mission-service's
 * missions part has not added {@code /api/v1/internal/missions/{id}}); such a channel is
 * known only from its events until it does.
 */
public class ChannelWorkspaces {

	private static final Logger log = LoggerFactory.getLogger(ChannelWorkspaces.class);

	static final Duration NOT_FOUND_TTL = Duration.ofSeconds(5);

	/** The internal lookup of each entity type that has one; the path takes the id. */
	static final Map<String, String> OWNER_LOOKUPS = Map.of(Channel.CREW, "/api/v1/internal/crews/{id}", Channel.AGENT,
			"/api/v1/internal/agents/{id}", Channel.SESSION, "/api/v1/internal/chats/{id}");

	/** What a channel resolved to. */
	public enum Outcome {

		/** Belongs to {@link Resolution#workspaceId()}. */
		FOUND,
		/** The owning service knows no such (live) entity. */
		NOT_FOUND,
		/** Nobody can say: no event seen, and no owning service to ask for this type. */
		NO_OWNER,
		/** The owning service did not answer in time, or failed. */
		UNAVAILABLE

	}

	public record Resolution(Outcome outcome, String workspaceId) {

		static Resolution found(String workspaceId) {
			return new Resolution(Outcome.FOUND, workspaceId);
		}

		static Resolution of(Outcome outcome) {
			return new Resolution(outcome, null);
		}

	}

	private final AsyncCache<String, Optional<String>> workspaces;

	private final WebClient internal;

	private final JsonMapper json;

	private final Duration timeout;

	public ChannelWorkspaces(long maximumSize, WebClient internal, JsonMapper json, Duration timeout) {
		this.workspaces = Caffeine.newBuilder().maximumSize(maximumSize).expireAfter(new KnownForever()).buildAsync();
		this.internal = internal;
		this.json = json;
		this.timeout = timeout;
	}

	/** From an event: the channel belongs to the event's workspace. */
	public void learn(String channel, String workspaceId) {
		this.workspaces.put(channel, CompletableFuture.completedFuture(Optional.of(workspaceId)));
	}

	/**
	 * @param channel an entity channel ({@code files:} is resolved as its crew)
	 */
	public Mono<Resolution> resolve(Channel channel) {
		String type = channel.type().equals(Channel.FILES) ? Channel.CREW : channel.type();
		String key = Channel.name(type, channel.id());
		String lookup = OWNER_LOOKUPS.get(type);
		if (lookup == null) {
			CompletableFuture<Optional<String>> known = this.workspaces.getIfPresent(key);
			return (known == null) ? Mono.just(Resolution.of(Outcome.NO_OWNER)) : Mono.fromFuture(known, true)
				.map(found -> found.map(Resolution::found).orElseGet(() -> Resolution.of(Outcome.NO_OWNER)));
		}
		// a socket closing mid-lookup must not cancel the call other subscribers share
		return Mono
			.fromFuture(() -> this.workspaces.get(key, (k, executor) -> ask(lookup, channel.id()).toFuture()), true)
			.map(found -> found.map(Resolution::found).orElseGet(() -> Resolution.of(Outcome.NOT_FOUND)))
			.onErrorResume(ex -> {
				log.warn("Workspace lookup of {} failed: {}", key, ex.toString());
				return Mono.just(Resolution.of(Outcome.UNAVAILABLE));
			});
	}

	private Mono<Optional<String>> ask(String path, String id) {
		return this.internal.get().uri(path, id).exchangeToMono(response -> {
			if (response.statusCode() == HttpStatus.NOT_FOUND) {
				return response.releaseBody().thenReturn(Optional.<String>empty());
			}
			if (!response.statusCode().is2xxSuccessful()) {
				return response.releaseBody()
					.then(Mono.error(new IllegalStateException("owner answered " + response.statusCode())));
			}
			return response.bodyToMono(String.class).map(body -> workspaceIdIn(body, id));
		}).timeout(this.timeout);
	}

	/** The answer must be about the entity asked for; anything else is no answer. */
	private Optional<String> workspaceIdIn(String body, String id) {
		JsonNode answer = this.json.readTree(body);
		JsonNode workspaceId = answer.get("workspace_id");
		JsonNode answered = answer.get("id");
		if (answered == null || !id.equals(answered.asString()) || workspaceId == null || !workspaceId.isString()
				|| workspaceId.asString().isBlank()) {
			throw new IllegalStateException("owner answered an unexpected body");
		}
		return Optional.of(workspaceId.asString());
	}

	/** A known workspace is kept (it never changes); "none" only briefly. */
	private static final class KnownForever implements Expiry<String, Optional<String>> {

		@Override
		public long expireAfterCreate(String key, Optional<String> value, long currentTime) {
			return value.isPresent() ? Long.MAX_VALUE : NOT_FOUND_TTL.toNanos();
		}

		@Override
		public long expireAfterUpdate(String key, Optional<String> value, long currentTime, long currentDuration) {
			return expireAfterCreate(key, value, currentTime);
		}

		@Override
		public long expireAfterRead(String key, Optional<String> value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
