package crewship.vault.credentials;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManager;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.events.DomainEvents;
import crewship.platform.ids.Timestamps;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.ProblemException;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * Credential lifecycle: values are sealed on the way in and never read back here. Every
 * change writes its timeline row, its audit record and its event in the transaction that
 * makes it.
 */
@Service
public class Credentials {

	private final CredentialRepository credentials;

	private final SealedSecrets secrets;

	private final CredentialAudit audit;

	private final DomainEvents events;

	private final EntityManager entities;

	private final ApplicationEventPublisher local;

	Credentials(CredentialRepository credentials, SealedSecrets secrets, CredentialAudit audit, DomainEvents events,
			EntityManager entities, ApplicationEventPublisher local) {
		this.local = local;
		this.credentials = credentials;
		this.secrets = secrets;
		this.audit = audit;
		this.events = events;
		this.entities = entities;
	}

	/**
	 * @throws ProblemException 404 when the credential is not live in the workspace
	 */
	public Credential find(String workspaceId, String credentialId) {
		return this.credentials.findLive(credentialId, workspaceId)
			.orElseThrow(() -> ProblemException.notFound("Credential not found"));
	}

	/**
	 * A credential the caller may see: MANAGER+ see all; below that only WORKSPACE-scoped
	 * ones, because the vault does not know crew memberships yet (fail closed).
	 * @throws ProblemException 404 otherwise, as for a missing one
	 */
	public Credential findVisible(String workspaceId, String credentialId, WorkspaceRole role) {
		Credential credential = find(workspaceId, credentialId);
		if (!seesCrewScoped(role) && "CREW".equals(credential.getScope())) {
			throw ProblemException.notFound("Credential not found");
		}
		return credential;
	}

	private static boolean seesCrewScoped(WorkspaceRole role) {
		return role.permits(WorkspaceRole.Action.CREATE);
	}

	@Transactional(readOnly = true)
	List<CredentialView> list(String workspaceId, WorkspaceRole role, int limit, int offset) {
		return this.entities.createQuery("""
				select c from Credential c where c.workspaceId = :workspace and c.deletedAt is null
				   and (:all = true or c.scope = 'WORKSPACE')
				 order by c.type asc, c.createdAt desc, c.id asc""", Credential.class)
			.setParameter("workspace", workspaceId)
			.setParameter("all", seesCrewScoped(role))
			.setFirstResult(offset)
			.setMaxResults(limit)
			.getResultStream()
			.map(CredentialView::of)
			.toList();
	}

	@Transactional(readOnly = true)
	CredentialView get(String workspaceId, String credentialId, WorkspaceRole role) {
		return CredentialView.of(findVisible(workspaceId, credentialId, role));
	}

	@Transactional
	CredentialView create(String workspaceId, String actor, RequestOrigin origin, CreateCredential body) {
		CredentialType type = (body.type() != null) ? CredentialType.parse(body.type()) : CredentialType.SECRET;
		boolean pending = Boolean.TRUE.equals(body.pending());
		if (body.value() == null && type != CredentialType.OAUTH2 && !pending) {
			throw ProblemException.badRequest("value is required (except for OAUTH2 and pending credentials)");
		}
		if (type == CredentialType.USERPASS && (body.username() == null || body.username().isBlank())) {
			throw ProblemException.badRequest("A USERPASS credential needs a username");
		}
		checkValue(type, body.value());
		checkValue(type, body.refreshToken());
		String name = body.name().trim();
		if (this.credentials.nameTaken(workspaceId, name)) {
			throw ProblemException.conflict("A credential named '" + name + "' already exists in this workspace");
		}
		Credential credential = new Credential(workspaceId, name, type,
				(body.provider() != null && !body.provider().isBlank()) ? body.provider() : "NONE", actor);
		credential.apply(new CredentialChanges(null, body.description(), null, null, null, body.scope(), body.crewId(),
				body.crewIds(), body.tags(), body.accountLabel(), body.accountEmail(), body.username(),
				body.tokenExpiresAt(), body.securityLevel()));
		credential.oauth(body.oauthClientId(), body.oauthAuthUrl(), body.oauthTokenUrl(), body.oauthScopes());
		credential.attribute(body.createdByActorType(), body.createdByActorId(), body.provisionedForService());
		if (pending || (body.value() == null && type == CredentialType.OAUTH2)) {
			credential.markStatus("PENDING");
		}
		this.credentials.saveAndFlush(credential);
		if (body.value() != null && !pending) {
			this.secrets.put(credential.valueOwner(), body.value());
		}
		if (body.refreshToken() != null) {
			this.secrets.put(new Owner(Credential.REFRESH_TOKEN, credential.getId()), body.refreshToken());
		}
		if (body.oauthClientSecret() != null) {
			this.secrets.put(new Owner(Credential.OAUTH_CLIENT_SECRET, credential.getId()), body.oauthClientSecret());
		}
		changed("credential.created", "CREATED", credential, actor, origin, Map.of());
		return CredentialView.of(credential);
	}

	@Transactional
	CredentialView update(String workspaceId, String credentialId, String actor, RequestOrigin origin,
			CredentialChanges changes) {
		if (changes.isEmpty()) {
			throw ProblemException.badRequest("No fields to update");
		}
		Credential credential = find(workspaceId, credentialId);
		if (changes.name() != null && !changes.name().trim().equals(credential.getName())
				&& this.credentials.nameTaken(workspaceId, changes.name().trim())) {
			throw ProblemException.conflict("A credential named '" + changes.name().trim() + "' already exists");
		}
		credential.apply(changes);
		CredentialType type = CredentialType.parse(credential.getType());
		if (type == CredentialType.USERPASS
				&& (credential.getUsername() == null || credential.getUsername().isBlank())) {
			throw ProblemException.badRequest("A USERPASS credential needs a username");
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("fields", changes.fieldNames());
		if (changes.value() != null) {
			checkValue(type, changes.value());
			this.secrets.put(credential.valueOwner(), changes.value());
			// a new value is presumed good until the monitor says otherwise
			credential.markStatus("ACTIVE");
			this.audit.record(credential, "ROTATE", actor, null, origin, Map.of("inline", true));
		}
		this.credentials.flush();
		changed("credential.updated", "UPDATED", credential, actor, origin, metadata);
		return CredentialView.of(credential);
	}

	@Transactional
	void delete(String workspaceId, String credentialId, String actor, RequestOrigin origin) {
		Credential credential = find(workspaceId, credentialId);
		credential.markDeleted();
		// a deleted credential is delivered nowhere, so nothing needs its value any more
		this.secrets.delete(credential.valueOwner());
		this.secrets.delete(new Owner(Credential.REFRESH_TOKEN, credential.getId()));
		this.secrets.delete(new Owner(Credential.OAUTH_CLIENT_SECRET, credential.getId()));
		this.secrets.deleteByPrefix(Credential.FIELD, credential.getId() + "/");
		this.local.publishEvent(new CredentialDeleted(workspaceId, credential.getId()));
		this.credentials.flush();
		changed("credential.deleted", "REVOKE", credential, actor, origin, Map.of("deleted", true));
	}

	/**
	 * Raising needs MANAGER+, lowering OWNER/ADMIN; a no-op is not journaled.
	 */
	@Transactional
	Map<String, Object> classify(String workspaceId, String credentialId, WorkspaceRole role, String actor,
			RequestOrigin origin, Sensitivity next) {
		Credential credential = find(workspaceId, credentialId);
		Sensitivity previous = credential.getSensitivity();
		if (next.compareTo(previous) < 0 && !(role == WorkspaceRole.OWNER || role == WorkspaceRole.ADMIN)) {
			throw ProblemException.forbidden("Lowering a credential's classification needs OWNER or ADMIN");
		}
		if (next != previous) {
			credential.classify(next);
			this.credentials.flush();
			changed("credential.updated", "CLASSIFIED", credential, actor, origin,
					Map.of("sensitivity", next.name(), "previous", previous.name()));
		}
		return Map.of("credential_id", credential.getId(), "sensitivity", next.name(), "previous", previous.name());
	}

	/**
	 * Puts a new value live (rotation): re-sealed under a fresh data key, status back to
	 * ACTIVE; the caller records why.
	 */
	public void replaceValue(Credential credential, String value) {
		checkValue(CredentialType.parse(credential.getType()), value);
		this.secrets.put(credential.valueOwner(), value);
		credential.markStatus("ACTIVE");
		this.credentials.flush();
	}

	/**
	 * An OAuth token from the provider goes live: the access token becomes the value, a
	 * refresh token (when the provider sent one) replaces the stored one, and the expiry
	 * is what the provider said. Only the fact and the expiry are journaled.
	 * @param how {@code connected} (code exchange) or {@code refreshed}
	 */
	@Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
	public void tokenIssued(Credential credential, String accessToken, String refreshToken, java.time.Instant expiresAt,
			String actor, String how) {
		checkValue(CredentialType.parse(credential.getType()), accessToken);
		checkValue(CredentialType.parse(credential.getType()), refreshToken);
		this.secrets.put(credential.valueOwner(), accessToken);
		if (refreshToken != null && !refreshToken.isEmpty()) {
			this.secrets.put(new Owner(Credential.REFRESH_TOKEN, credential.getId()), refreshToken);
		}
		credential.tokenIssued(expiresAt);
		this.credentials.flush();
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("oauth", how);
		metadata.put("token_expires_at", (expiresAt != null) ? expiresAt.toString() : null);
		changed("credential.updated", "ROTATE", credential, actor, null, metadata);
	}

	/**
	 * The refresh token was refused: the credential is EXPIRED until someone consents
	 * again, and {@code credential.expired} tells the workspace.
	 */
	@Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
	public void tokenExpired(Credential credential, String reason) {
		credential.tokenExpired(reason);
		this.credentials.flush();
		this.audit.record(credential, "EXPIRED", null, null, null, Map.of("reason", reason));
		this.events.publish("credential.expired", credential.getWorkspaceId(), credential.getId(), null,
				Map.of("credential_id", credential.getId(), "reason", reason));
	}

	/**
	 * Stamps a delivery to a run; the caller's transaction records it. A plain update,
	 * not the versioned entity: the runs of a crew share its key, and concurrent
	 * deliveries each bumping the version failed all but one with 409 (RunEngineBench:
	 * 1,234 of 2,000 runs of one crew). Stamped at most once a second, so a burst of
	 * deliveries does not queue on the row's lock.
	 */
	public void markUsed(Credential credential) {
		Instant now = Timestamps.now();
		this.entities
			.createNativeQuery("update credentials set last_used_at = :now where id = :id"
					+ " and (last_used_at is null or last_used_at < :second_ago)")
			.setParameter("now", now)
			.setParameter("second_ago", now.minusSeconds(1))
			.setParameter("id", credential.getId())
			.executeUpdate();
	}

	@Transactional(readOnly = true)
	List<CredentialAudit.Entry> timeline(String workspaceId, String credentialId, int limit) {
		find(workspaceId, credentialId);
		return this.audit.timeline(credentialId, limit);
	}

	private void changed(String eventType, String timelineType, Credential credential, String actor,
			RequestOrigin origin, Map<String, Object> metadata) {
		Map<String, Object> audited = new LinkedHashMap<>(metadata);
		audited.put("name", credential.getName());
		this.audit.record(credential, timelineType, actor, null, origin, audited);
		this.events.publish(eventType, credential.getWorkspaceId(), credential.getId(), actor,
				Map.of("id", credential.getId(), "name", credential.getName(), "type", credential.getType(), "provider",
						credential.getProvider(), "status", credential.getStatus()));
	}

	private static void checkValue(CredentialType type, String value) {
		if (value == null) {
			return;
		}
		if (value.getBytes(StandardCharsets.UTF_8).length > CreateCredential.MAX_VALUE) {
			throw ProblemException.badRequest("A value is at most 64 KiB");
		}
		type.validate(value);
	}

}
