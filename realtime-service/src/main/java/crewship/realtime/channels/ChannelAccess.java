package crewship.realtime.channels;

import java.util.Optional;

import reactor.core.publisher.Mono;

import crewship.platform.identity.IdentityAssertion;

/**
 * The page's access rules per channel: a workspace member for {@code workspace:},
 * {@code keeper:} and {@code journal:}; a member of the entity's workspace for
 * {@code crew:}, {@code files:}, {@code agent:}, {@code mission:} and {@code session:};
 * the user themselves for {@code user:}; anyone signed in for {@code providers}.
 * <p>
 * An entity channel is resolved to its workspace from the events this replica has seen.
 * Gap: none of crew-, mission-service offers an internal lookup of an entity's workspace
 * on the gateway's internal listener yet (their public {@code GET /api/v1/crews/{id}}
 * needs a user's workspace, and is not reachable with the internal token), so an entity
 * this replica has not seen an event of is refused like a foreign one ("access denied",
 * no existence oracle); the client re-subscribes, as the page says clients do.
 */
public class ChannelAccess {

	/** The decision, and for a refusal the reason for the error frame. */
	public record Decision(boolean granted, String workspaceId, String reason) {

		static Decision denied() {
			return new Decision(false, null, "access denied");
		}

	}

	private final Memberships memberships;

	private final ChannelWorkspaces workspaces;

	public ChannelAccess(Memberships memberships, ChannelWorkspaces workspaces) {
		this.memberships = memberships;
		this.workspaces = workspaces;
	}

	public Mono<Decision> check(IdentityAssertion caller, Channel channel) {
		return switch (channel.type()) {
			case Channel.PROVIDERS -> Mono.just(new Decision(true, null, null));
			case Channel.USER ->
				Mono.just(channel.id().equals(caller.subject()) ? new Decision(true, null, null) : Decision.denied());
			case Channel.WORKSPACE, Channel.KEEPER, Channel.JOURNAL -> member(caller, channel.id());
			default -> workspaceOf(channel).map(workspaceId -> member(caller, workspaceId))
				.orElseGet(() -> Mono.just(Decision.denied()));
		};
	}

	/** The workspace an entity channel belongs to, as far as this replica knows. */
	public Optional<String> workspaceOf(Channel channel) {
		String type = channel.type().equals(Channel.FILES) ? Channel.CREW : channel.type();
		return this.workspaces.workspaceOf(Channel.name(type, channel.id()));
	}

	private Mono<Decision> member(IdentityAssertion caller, String workspaceId) {
		return this.memberships.roleOf(workspaceId, caller.subject())
			.map(role -> role.isPresent() ? new Decision(true, workspaceId, null) : Decision.denied())
			.onErrorResume(ex -> Mono.just(new Decision(false, null, "membership check unavailable; retry shortly")));
	}

}
