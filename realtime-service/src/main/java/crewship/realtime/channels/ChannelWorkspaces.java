package crewship.realtime.channels;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Which workspace a {@code crew:}, {@code agent:}, {@code mission:} or {@code session:}
 * channel belongs to, learnt from the {@code workspace_id} of the events this replica
 * fans out. Bounded: it is a cache, not a store — a replica that has not seen an entity
 * yet simply does not know it.
 */
public class ChannelWorkspaces {

	private final Cache<String, String> workspaces;

	public ChannelWorkspaces(long maximumSize) {
		this.workspaces = Caffeine.newBuilder().maximumSize(maximumSize).build();
	}

	public void learn(String channel, String workspaceId) {
		this.workspaces.put(channel, workspaceId);
	}

	public Optional<String> workspaceOf(String channel) {
		return Optional.ofNullable(this.workspaces.getIfPresent(channel));
	}

}
