package crewship.crew.oauth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.crew.vault.VaultCredentials;
import crewship.crew.workspace.Changes;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The authorization-code flow with PKCE: crew-service owns the state — 256 random bits,
 * kept only as its SHA-256, bound to the user and workspace that started it, valid for 10
 * minutes and spent by its first use (callback or exchange), also when what follows fails
 * — while the vault mints and keeps the PKCE verifier, holds the client secret and
 * receives the tokens. A state is spent by one conditional UPDATE, so two replicas racing
 * on the same callback cannot both win.
 */
@Service
@EnableConfigurationProperties(OAuthProperties.class)
public class OAuthFlows {

	private static final Logger log = LoggerFactory.getLogger(OAuthFlows.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final VaultCredentials vault;

	private final OAuthProperties properties;

	private final TransactionTemplate transactions;

	private final Changes changes;

	OAuthFlows(JdbcTemplate jdbc, VaultCredentials vault, OAuthProperties properties,
			PlatformTransactionManager transactions, Changes changes) {
		this.jdbc = jdbc;
		this.vault = vault;
		this.properties = properties;
		this.transactions = new TransactionTemplate(transactions);
		this.changes = changes;
	}

	/** An authorization started: where to send the user, and the state to expect back. */
	public record Started(String authUrl, String state, String redirectUri) {

		@Override
		public String toString() {
			return "Started[" + this.redirectUri + "]";
		}

	}

	/** A spent state: what it was bound to. */
	record Spent(String id, String workspaceId, String userId, String credentialId, String redirectUri,
			Instant expiresAt) {
	}

	/**
	 * Opens an authorization for the credential's OAuth client.
	 * @param redirectUri where the provider sends the user back; null: the backend
	 * callback
	 * @throws ProblemException 404 for a credential the workspace does not hold, 400 for
	 * one that is no OAuth client or a redirect URI that is not http(s)
	 */
	@Transactional
	public Started initiate(String workspaceId, String userId, String credentialId, String redirectUri,
			String purpose) {
		String redirect = redirect(redirectUri);
		VaultCredentials.Credential credential = this.vault.find(workspaceId, credentialId)
			.orElseThrow(() -> ProblemException.notFound("Credential not found"));
		if (credential.oauthClientId() == null || credential.oauthAuthUrl() == null) {
			throw ProblemException
				.badRequest("The credential is not an OAuth client (it needs oauth_client_id and " + "oauth_auth_url)");
		}
		String state = random();
		String id = Cuid.next();
		Instant now = Timestamps.now();
		Instant expires = now.plus(this.properties.stateLifetime());
		this.jdbc.update("""
				insert into oauth_state (id, state_sha256, workspace_id, user_id, credential_id, redirect_uri, purpose,
				                         expires_at, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", id, sha256(state), workspaceId, userId, credentialId, redirect, purpose, Timestamp.from(expires),
				Timestamp.from(now));
		String authUrl = this.vault.authorize(workspaceId, credentialId, id, state, redirect, expires);
		return new Started(authUrl, state, redirect);
	}

	/**
	 * The provider's redirect (no caller identity: the state is the proof). Spends the
	 * state, then trades the code in the vault.
	 * @return the credential now holding tokens
	 */
	public String callback(String code, String state, String error) {
		if (state == null || state.isBlank()) {
			throw ProblemException.badRequest("Missing state");
		}
		Spent spent = spend(state, null, null, null);
		if (error != null && !error.isBlank()) {
			throw ProblemException
				.badRequest("The provider did not authorize: " + error.replaceAll("[^A-Za-z0-9_ .-]", "").strip());
		}
		if (code == null || code.isBlank()) {
			throw ProblemException.badRequest("Missing code");
		}
		this.vault.exchange(spent.workspaceId(), spent.credentialId(), spent.userId(), code, spent.redirectUri(),
				spent.id(), null);
		connected(spent.workspaceId(), spent.credentialId(), spent.userId());
		return spent.credentialId();
	}

	/**
	 * The client's own exchange (a SPA or CLI that received the code). With
	 * {@code state}, the state must be this user's, in this workspace, for this
	 * credential, and is spent; the vault then uses its own verifier.
	 */
	public Map<String, Object> exchange(String workspaceId, String userId, String credentialId, String code,
			String redirectUri, String codeVerifier, String state) {
		String stateId = null;
		String redirect = redirectUri;
		if (state != null && !state.isBlank()) {
			Spent spent = spend(state, workspaceId, userId, credentialId);
			stateId = spent.id();
			if (redirect == null || redirect.isBlank()) {
				redirect = spent.redirectUri();
			}
		}
		else if (this.vault.find(workspaceId, credentialId).isEmpty()) {
			throw ProblemException.notFound("Credential not found");
		}
		this.vault.exchange(workspaceId, credentialId, userId, code, redirect, stateId,
				(stateId == null) ? codeVerifier : null);
		connected(workspaceId, credentialId, userId);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("status", "ok");
		answer.put("credential_id", credentialId);
		return answer;
	}

	/**
	 * Spends a state in its own transaction (committed before anything else happens, so a
	 * failing exchange cannot be retried with it).
	 * @param workspaceId, userId, credentialId when given, the state must be bound to
	 * them
	 */
	private Spent spend(String state, String workspaceId, String userId, String credentialId) {
		List<Spent> spent = this.transactions.execute(status -> this.jdbc.query("""
				update oauth_state set consumed_at = now()
				 where state_sha256 = ? and consumed_at is null
				   and (cast(? as varchar) is null or workspace_id = ?)
				   and (cast(? as varchar) is null or user_id = ?)
				   and (cast(? as varchar) is null or credential_id = ?)
				returning id, workspace_id, user_id, credential_id, redirect_uri, expires_at
				""",
				(rs, n) -> new Spent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
						rs.getString(5), rs.getTimestamp(6).toInstant()),
				sha256(state), workspaceId, workspaceId, userId, userId, credentialId, credentialId));
		if (spent == null || spent.isEmpty()) {
			throw ProblemException.badRequest("Invalid or already used OAuth state");
		}
		if (spent.get(0).expiresAt().isBefore(Instant.now())) {
			throw ProblemException.badRequest("The OAuth state expired; start the authorization again");
		}
		return spent.get(0);
	}

	/** Integrations waiting for this credential's consent are connected now. */
	private void connected(String workspaceId, String credentialId, String userId) {
		this.transactions.executeWithoutResult(status -> {
			for (String table : List.of("mcp_server", "crew_mcp_server")) {
				List<Map<String, Object>> updated = this.jdbc.queryForList("update " + table
						+ " set auth_status = 'connected', updated_at = now(), version = version + 1 where workspace_id = ? and credential_id = ?"
						+ " and coalesce(auth_status, '') <> 'connected' returning id, name", workspaceId,
						credentialId);
				for (Map<String, Object> row : updated) {
					Map<String, Object> data = new LinkedHashMap<>();
					data.put("id", row.get("id"));
					data.put("scope", table.equals("mcp_server") ? "workspace" : "crew");
					data.put("name", row.get("name"));
					data.put("auth_status", "connected");
					this.changes.record("integration.updated", workspaceId,
							table.equals("mcp_server") ? "integration" : "crew_integration", (String) row.get("id"),
							userId, data);
				}
			}
		});
	}

	/** Whether the backend callback can be the redirect (the public URL is known). */
	public boolean hasCallback() {
		return this.properties.callback() != null;
	}

	private String redirect(String redirectUri) {
		if (redirectUri == null || redirectUri.isBlank()) {
			String callback = this.properties.callback();
			if (callback == null) {
				throw ProblemException.badRequest(
						"redirect_uri is required: this instance has no public URL (CREWSHIP_PUBLIC_URL) for its callback");
			}
			return callback;
		}
		try {
			URI uri = URI.create(redirectUri.trim());
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
					&& uri.getRawUserInfo() == null && uri.getRawFragment() == null && redirectUri.length() <= 2048) {
				return uri.toString();
			}
		}
		catch (IllegalArgumentException ex) {
			// below
		}
		throw ProblemException.badRequest("redirect_uri must be an absolute http(s) URL without a fragment");
	}

	/**
	 * Spent and expired states go after a day; the replay window is the state's lifetime.
	 */
	@Scheduled(fixedDelayString = "${crewship.oauth.purge-interval:PT10M}", initialDelayString = "PT2M")
	public void purge() {
		int purged = this.jdbc.update("delete from oauth_state where expires_at < now() - interval '1 day'");
		if (purged > 0) {
			log.debug("Purged {} old OAuth states", purged);
		}
	}

	static String random() {
		byte[] value = new byte[32];
		RANDOM.nextBytes(value);
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(value);
	}

	static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
