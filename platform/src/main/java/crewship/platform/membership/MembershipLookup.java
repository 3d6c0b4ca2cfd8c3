package crewship.platform.membership;

import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;

/**
 * Asks auth-service (through the gateway's internal listener) for one membership the replica has
 * not seen yet: the read-your-writes path right after a workspace or member is created.
 */
public class MembershipLookup {

	private final RestClient authService;

	public MembershipLookup(RestClient authService) {
		this.authService = authService;
	}

	/** @return the membership as auth-service knows it; empty when the user is no member */
	public Optional<Membership> fetch(String workspaceId, String userId) {
		return Optional.ofNullable(this.authService.get()
			.uri("/api/v1/internal/memberships/{workspaceId}/{userId}", workspaceId, userId)
			.exchange((request, response) -> (response.getStatusCode() == HttpStatus.NOT_FOUND) ? null
					: response.getStatusCode().is2xxSuccessful() ? response.bodyTo(Membership.class) : fail(response.getStatusCode().value())));
	}

	private static Membership fail(int status) {
		throw new IllegalStateException("auth-service answered " + status + " to a membership lookup");
	}

}
