package crewship.platform.membership;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.web.ProblemException;

/**
 * Asks auth-service (through the gateway's internal listener) for one membership the
 * replica has not seen yet: the read-your-writes path right after a workspace or member
 * is created.
 */
public class MembershipLookup {

	private static final Logger log = LoggerFactory.getLogger(MembershipLookup.class);

	private final RestClient authService;

	public MembershipLookup(RestClient authService) {
		this.authService = authService;
	}

	/**
	 * @return the membership as auth-service knows it; empty when the user is no member
	 * @throws ProblemException 503 when auth-service cannot answer
	 */
	public Optional<Membership> fetch(String workspaceId, String userId) {
		try {
			return Optional.ofNullable(this.authService.get()
				.uri("/api/v1/internal/memberships/{workspaceId}/{userId}", workspaceId, userId)
				.exchange((request, response) -> {
					if (response.getStatusCode() == HttpStatus.NOT_FOUND) {
						return null;
					}
					if (!response.getStatusCode().is2xxSuccessful()) {
						throw unavailable("answered " + response.getStatusCode().value());
					}
					return response.bodyTo(Membership.class);
				}));
		}
		catch (RestClientException ex) {
			throw unavailable(ex.getMessage());
		}
	}

	private static ProblemException unavailable(String why) {
		log.warn("Membership lookup failed: {}", why);
		return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
				"Workspace memberships are unavailable; retry shortly");
	}

}
