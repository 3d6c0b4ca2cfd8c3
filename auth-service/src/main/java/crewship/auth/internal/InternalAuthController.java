package crewship.auth.internal;

import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.clitokens.CliTokenService;
import crewship.auth.sessions.SessionService;
import crewship.auth.sessions.SessionTokens;
import crewship.auth.workspaces.WorkspaceService;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.Membership;
import crewship.platform.web.ProblemException;

/**
 * What the gateway and the other services ask auth-service: its public keys, whether a
 * session or CLI token is live, and one membership. Internal callers only.
 */
@RestController
class InternalAuthController {

	/**
	 * Open without an assertion (public keys); see {@code crewship.identity.open-paths}.
	 */
	static final String JWKS = "/api/v1/internal/auth/jwks";

	private final SessionTokens tokens;

	private final SessionService sessions;

	private final CliTokenService cliTokens;

	private final WorkspaceService workspaces;

	InternalAuthController(SessionTokens tokens, SessionService sessions, CliTokenService cliTokens,
			WorkspaceService workspaces) {
		this.tokens = tokens;
		this.sessions = sessions;
		this.cliTokens = cliTokens;
		this.workspaces = workspaces;
	}

	record Introspect(String token) {
	}

	@GetMapping(JWKS)
	Map<String, Object> jwks() {
		return this.tokens.publicJwks();
	}

	@GetMapping("/api/v1/internal/auth/sessions/{sessionId}")
	Map<String, Object> session(@PathVariable String sessionId, IdentityAssertion caller) {
		requireInternal(caller);
		return this.sessions.activeSession(sessionId)
			.map(session -> Map.<String, Object>of("session_id", session.getId(), "user_id", session.getUserId(),
					"expires_at", session.getExpiresAt().toString()))
			// a WebSocket token minted for a CLI token names that token: live while it is
			.or(() -> this.cliTokens.live(sessionId)
				.map(token -> Map.<String, Object>of("session_id", token.getId(), "user_id", token.getUserId(),
						"expires_at", (token.getExpiresAt() != null) ? token.getExpiresAt().toString() : "")))
			.orElseThrow(() -> ProblemException.notFound("No live session"));
	}

	@PostMapping("/api/v1/internal/auth/cli-tokens/introspect")
	Map<String, Object> introspect(@RequestBody Introspect request, IdentityAssertion caller) {
		requireInternal(caller);
		return this.cliTokens.introspect(request.token())
			.map(token -> Map.<String, Object>of("token_id", token.getId(), "user_id", token.getUserId()))
			.orElseThrow(() -> ProblemException.notFound("No live CLI token"));
	}

	@GetMapping("/api/v1/internal/memberships/{workspaceId}/{userId}")
	ResponseEntity<Membership> membership(@PathVariable String workspaceId, @PathVariable String userId,
			IdentityAssertion caller) {
		requireInternal(caller);
		return this.workspaces.membership(workspaceId, userId)
			.map(member -> ResponseEntity.ok(new Membership(workspaceId, userId, member.getRole(),
					member.getEventVersion(), List.copyOf(member.resolvedCapabilities()))))
			.orElseThrow(() -> ProblemException.notFound("Not a member"));
	}

	private static void requireInternal(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.INTERNAL) {
			throw ProblemException.notFound("No endpoint");
		}
	}

}
