package crewship.vault.reveal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.CredentialAudit;
import crewship.vault.credentials.Credentials;
import crewship.vault.credentials.RequestOrigin;
import crewship.vault.credentials.Sensitivity;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.workspace.CurrentWorkspace.Current;

/**
 * The one path that hands a stored value to a person. Every gate of the page is checked
 * on its own and fails closed; the audit entry is written before the value is read, in
 * the same transaction, so a failed audit write reveals nothing.
 */
@Service
class Reveals {

	private final Credentials credentials;

	private final RevealPolicies policies;

	private final CredentialAudit audit;

	private final SealedSecrets secrets;

	Reveals(Credentials credentials, RevealPolicies policies, CredentialAudit audit, SealedSecrets secrets) {
		this.credentials = credentials;
		this.policies = policies;
		this.audit = audit;
		this.secrets = secrets;
	}

	record Revealed(String credentialId, String name, String type, String sensitivity, String value, Instant revealedAt,
			String journalEntryId) {
	}

	/**
	 * @param member the caller's membership, already resolved (404 outside it)
	 */
	@Transactional
	Revealed reveal(IdentityAssertion caller, Current member, String credentialId, String reason,
			RequestOrigin origin) {
		requireInteractiveSession(caller);
		String workspaceId = member.workspaceId();
		WorkspaceRole role = member.role();
		if (!this.policies.enabled(workspaceId)) {
			throw ProblemException.forbidden("Reveal is turned off for this workspace (an OWNER can enable it)");
		}
		if (!role.permits(Action.CREATE)) {
			throw ProblemException.forbidden("Reveal needs MANAGER or above");
		}
		// granted per person through auth-service, replicated with the membership
		if (!member.hasCapability(MemberCapability.CREDENTIALS_REVEAL)) {
			throw ProblemException.forbidden("Your membership does not carry the credentials:reveal capability");
		}
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (role == WorkspaceRole.MANAGER && "CREW".equals(credential.getScope())) {
			// crew memberships are not known to the vault yet: a MANAGER's crew check
			// fails closed
			throw ProblemException.forbidden("A MANAGER may reveal only credentials of their crews");
		}
		if (credential.getSensitivity() == Sensitivity.SEALED) {
			throw ProblemException.forbidden("A SEALED credential is never revealed; rotate it instead");
		}
		String why = RevealReasons.require(reason);
		Map<String, Object> journal = new LinkedHashMap<>();
		journal.put("credential_name", credential.getName());
		journal.put("classification", credential.getSensitivity().name());
		journal.put("reason", why);
		journal.put("actor_role", role.name());
		// the audit write is the precondition: it fails, the request fails, nothing was
		// read
		String entryId = this.audit.record(credential, "REVEAL", caller.subject(), null, origin, journal);
		String value = this.secrets.open(credential.valueOwner())
			.orElseThrow(() -> ProblemException.conflict("This credential holds no value to reveal"));
		return new Revealed(credential.getId(), credential.getName(), credential.getType(),
				credential.getSensitivity().name(), value, Timestamps.now(), entryId);
	}

	/**
	 * A gate on what the caller presented, not who they are: an agent acts with a real
	 * user's id, so only an interactive session may reveal; CLI tokens, internal tokens,
	 * WebSocket tokens, webhooks and any future method are refused.
	 */
	static void requireInteractiveSession(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.SESSION) {
			throw ProblemException.forbidden(
					"Reveal needs an interactive sign-in session; CLI tokens, agents and internal callers never reveal");
		}
	}

}
