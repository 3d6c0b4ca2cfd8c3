package crewship.auth.sessions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;

/** The Settings → Sessions surface: a user's signed-in devices, and revoking one. */
@RestController
class SessionsController {

	private final SessionService sessions;

	SessionsController(SessionService sessions) {
		this.sessions = sessions;
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record SessionView(String id, Instant createdAt, Instant lastUsedAt, String userAgent, String ip,
			boolean isCurrent) {
	}

	@GetMapping("/api/v1/auth/sessions")
	List<SessionView> list(IdentityAssertion caller) {
		caller.requireUser();
		String current = currentSession(caller);
		return this.sessions.active(caller.subject())
			.stream()
			.map(session -> new SessionView(session.getId(), session.getCreatedAt(), session.getLastUsedAt(),
					session.getUserAgent(), session.getIp(), session.getId().equals(current)))
			.toList();
	}

	@PostMapping("/api/v1/auth/sessions/{id}/revoke")
	Map<String, Object> revoke(@PathVariable String id, IdentityAssertion caller) {
		caller.requireUser();
		this.sessions.revoke(caller.subject(), id);
		return Map.of("ok", true, "id", id, "is_current", id.equals(currentSession(caller)));
	}

	private static String currentSession(IdentityAssertion caller) {
		return (caller.method() == AuthMethod.SESSION || caller.method() == AuthMethod.WS) ? caller.credentialId()
				: null;
	}

}
