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
 * credential that asked for it — a browser session or a CLI token (the websocket page:
 * "session- or CLI-authenticated"; the CLI follows logs and chats live). Its {@code sid}
 * names that session or token, so ending either voids it: the gateway and
 * realtime-service ask whether it is still live, and auth-service answers for both.
 */
@RestController
class WsTokenController {

	private final SessionTokens tokens;

	WsTokenController(SessionTokens tokens) {
		this.tokens = tokens;
	}

	@GetMapping("/api/v1/ws-token")
	Map<String, Object> wsToken(IdentityAssertion caller) {
		boolean bound = caller.method() == AuthMethod.SESSION || caller.method() == AuthMethod.CLI;
		if (!bound || caller.credentialId() == null) {
			throw ProblemException.unauthorized("A WebSocket token needs a signed-in session or a CLI token");
		}
		return Map.of("token", this.tokens.wsToken(caller.subject(), caller.credentialId(), Timestamps.now()),
				"expires_in", SessionTokens.WS_TOKEN_LIFETIME.toSeconds());
	}

}
