package crewship.auth.workspaces;

import java.time.Instant;
import java.util.Locale;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.AuthProperties;
import crewship.auth.recovery.PasswordTokens;
import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * {@code POST /members/provision}: an admin adds a person by email. A new address gets an
 * account without a password and a one-time setup link (7 days); an existing account is
 * added as it is — its owner already controls it, so no link.
 */
@Service
class MemberProvisioning {

	private final WorkspaceService workspaces;

	private final WorkspaceAccess access;

	private final UserRepository users;

	private final WorkspaceMemberRepository members;

	private final PasswordTokens tokens;

	private final AuthProperties properties;

	MemberProvisioning(WorkspaceService workspaces, WorkspaceAccess access, UserRepository users,
			WorkspaceMemberRepository members, PasswordTokens tokens, AuthProperties properties) {
		this.workspaces = workspaces;
		this.access = access;
		this.users = users;
		this.members = members;
		this.tokens = tokens;
		this.properties = properties;
	}

	record Provisioned(String userId, String email, WorkspaceRole role, boolean createdUser, String setupUrl,
			Instant expiresAt) {
	}

	@Transactional
	Provisioned provision(IdentityAssertion caller, String workspaceId, String email, WorkspaceRole role,
			String fullName) {
		WorkspaceRole callerRole = this.access.require(caller, workspaceId, Action.MANAGE);
		if (role == WorkspaceRole.OWNER) {
			throw ProblemException.badRequest("role: OWNER cannot be assigned");
		}
		if (role == WorkspaceRole.ADMIN && callerRole != WorkspaceRole.OWNER) {
			throw ProblemException.forbidden("Only an OWNER may add an ADMIN");
		}
		String baseUrl = this.properties.publicBaseUrl()
			.orElseThrow(() -> new ProblemException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE,
					"The instance's public URL is not configured (CREWSHIP_PUBLIC_URL); setup links cannot be built"));
		this.workspaces.requireMemberRoom(workspaceId);
		String address = email.trim();
		User existing = this.users.findByEmail(address).orElse(null);
		if (existing != null) {
			if (this.members.findByWorkspaceIdAndUserId(workspaceId, existing.getId()).isPresent()) {
				throw ProblemException.conflict("The user is already a member");
			}
			this.workspaces.join(workspaceId, existing.getId(), role, caller.subject());
			return new Provisioned(existing.getId(), existing.getEmail(), role, false, "", null);
		}
		String name = (fullName != null && !fullName.isBlank()) ? fullName.trim()
				: address.substring(0, address.indexOf('@')).toLowerCase(Locale.ROOT);
		User user = this.users.saveAndFlush(new User(address, name, null));
		this.workspaces.join(workspaceId, user.getId(), role, caller.subject());
		PasswordTokens.Issued setup = this.tokens.issue(user.getId(), "account_setup", PasswordTokens.SETUP_LIFETIME);
		return new Provisioned(user.getId(), user.getEmail(), role, true,
				baseUrl + "/reset-password?token=" + setup.token(), setup.expiresAt());
	}

}
