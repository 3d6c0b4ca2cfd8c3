package crewship.auth.sessions;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/ws-token}: a JWT of 60 s for the WebSocket handshake, bound to the
 * caller's browser session (revoking the session voids it).
 */
@RestController
class WsTokenController {

	private final SessionTokens tokens;

	WsTokenController(SessionTokens tokens) {
		this.tokens = tokens;
	}

	@GetMapping("/api/v1/ws-token")
	Map<String, Object> wsToken(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.SESSION || caller.credentialId() == null) {
			throw ProblemException.unauthorized("A WebSocket token needs a signed-in browser session");
		}
		return Map.of("token", this.tokens.wsToken(caller.subject(), caller.credentialId(), Timestamps.now()),
				"expires_in", SessionTokens.WS_TOKEN_LIFETIME.toSeconds());
	}

}
