package crewship.auth.users;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.idp.IdentityProvider;
import crewship.auth.sessions.SessionService;
import crewship.auth.workspaces.Memberships;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;

/** A user's own profile and password; no workspace role needed. */
@RestController
class ProfileController {

	private final UserRepository users;

	private final IdentityProvider identities;

	private final LoginAttempts attempts;

	private final SessionService sessions;

	private final Memberships memberships;

	ProfileController(UserRepository users, IdentityProvider identities, LoginAttempts attempts,
			SessionService sessions, Memberships memberships) {
		this.memberships = memberships;
		this.users = users;
		this.identities = identities;
		this.attempts = attempts;
		this.sessions = sessions;
	}

	record Rename(@NotBlank @Size(min = 1, max = 100) String fullName) {
	}

	record ChangePassword(@NotNull String currentPassword, @NotNull @Size(min = 8, max = 200) String newPassword) {
	}

	@PatchMapping("/api/v1/users/me")
	@Transactional
	Map<String, Object> rename(@Valid @RequestBody Rename request, IdentityAssertion caller) {
		User user = me(caller);
		user.rename(request.fullName());
		this.memberships.renamed(user);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", user.getId());
		body.put("email", user.getEmail());
		body.put("full_name", user.getFullName());
		body.put("avatar_url", user.avatarUrl());
		return body;
	}

	/**
	 * Checks the current password under the same lockout as sign-in, then revokes every
	 * other session (all of them for a CLI-token caller, who has no browser session to
	 * keep).
	 */
	@PostMapping("/api/v1/users/me/password")
	Map<String, Object> changePassword(@Valid @RequestBody ChangePassword request, IdentityAssertion caller) {
		User user = me(caller);
		this.attempts.requireUnlocked(user);
		if (!this.identities.hasPassword(user)) {
			throw ProblemException.badRequest("This account has no password; use password recovery");
		}
		if (!this.identities.verify(user, request.currentPassword())) {
			this.attempts.failed(user.getId(), null, null);
			throw ProblemException.unauthorized("current_password is incorrect");
		}
		this.attempts.succeeded(user.getId(), null, null);
		String keep = (caller.method() == AuthMethod.SESSION) ? caller.credentialId() : null;
		int revoked = this.sessions.changePassword(user.getId(), request.newPassword(), keep);
		return Map.of("success", true, "sessions_revoked", revoked);
	}

	private User me(IdentityAssertion caller) {
		return this.users.findById(caller.requireUser())
			.orElseThrow(() -> ProblemException.unauthorized("Authentication required"));
	}

}
