package crewship.realtime.channels;

import reactor.core.publisher.Mono;

import crewship.platform.identity.IdentityAssertion;

/**
 * The page's access rules per channel: a workspace member for {@code workspace:},
 * {@code keeper:} and {@code journal:}; a member of the entity's workspace for
 * {@code crew:}, {@code files:}, {@code agent:}, {@code mission:} and {@code session:};
 * the user themselves for {@code user:}; anyone signed in for {@code providers}.
 * <p>
 * An entity channel is resolved to its workspace by {@link ChannelWorkspaces} (from the
 * events seen, else by asking the owning service), then the membership check applies. An
 * entity the owner does not know is refused like a foreign one ("access denied": no
 * existence oracle); a channel nobody can resolve is an "unknown channel"; an owner that
 * cannot answer gives a retryable refusal, never a guess.
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
			default -> this.workspaces.resolve(channel).flatMap(resolution -> switch (resolution.outcome()) {
				case FOUND -> member(caller, resolution.workspaceId());
				case NOT_FOUND -> Mono.just(Decision.denied());
				case NO_OWNER -> Mono.just(new Decision(false, null, "unknown channel"));
				case UNAVAILABLE -> Mono.just(new Decision(false, null, "channel lookup unavailable; retry shortly"));
			});
		};
	}

	private Mono<Decision> member(IdentityAssertion caller, String workspaceId) {
		return this.memberships.roleOf(workspaceId, caller.subject())
			.map(role -> role.isPresent() ? new Decision(true, workspaceId, null) : Decision.denied())
			.onErrorResume(ex -> Mono.just(new Decision(false, null, "membership check unavailable; retry shortly")));
	}

}
