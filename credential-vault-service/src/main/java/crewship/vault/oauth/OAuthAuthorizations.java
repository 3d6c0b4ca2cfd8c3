package crewship.vault.oauth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.Credentials;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * The vault's half of crew-service's OAuth flow (authorization code with PKCE, RFC 7636):
 * it mints the code verifier and keeps it sealed, so crew-service — which owns the state,
 * its binding to a user and workspace and its single use — never holds a verifier, a
 * client secret or a token. The exchange spends the verifier (single use here too), calls
 * the token endpoint with the credential's client and puts the tokens live.
 */
@Service
class OAuthAuthorizations {

	static final String PKCE = "oauth.pkce";

	/** The longest an authorization may stay open, whatever crew-service asks. */
	static final Duration MAX_LIFETIME = Duration.ofMinutes(15);

	private static final Logger log = LoggerFactory.getLogger(OAuthAuthorizations.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final TokenEndpoint tokens;

	OAuthAuthorizations(JdbcTemplate jdbc, Credentials credentials, SealedSecrets secrets, TokenEndpoint tokens) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.secrets = secrets;
		this.tokens = tokens;
	}

	/**
	 * Opens an authorization for the credential's OAuth client and answers the URL to
	 * send the user to (with the S256 challenge of a fresh verifier).
	 */
	@Transactional
	Map<String, Object> authorize(String workspaceId, String credentialId, String stateId, String state,
			String redirectUri, Instant expiresAt) {
		Credential credential = oauthClient(workspaceId, credentialId);
		if (credential.getOauthAuthUrl() == null || credential.getOauthAuthUrl().isBlank()) {
			throw ProblemException.badRequest("The credential has no OAuth authorization URL");
		}
		URI authUrl = httpUrl(credential.getOauthAuthUrl(), "authorization URL");
		Instant now = Timestamps.now();
		Instant until = (expiresAt == null || expiresAt.isAfter(now.plus(MAX_LIFETIME))) ? now.plus(MAX_LIFETIME)
				: expiresAt;
		String verifier = random(48);
		int inserted = this.jdbc.update(
				"""
						insert into oauth_authorizations (state_id, credential_id, workspace_id, redirect_uri, expires_at, created_at)
						values (?, ?, ?, ?, ?, ?) on conflict (state_id) do nothing
						""",
				stateId, credentialId, workspaceId, redirectUri, Timestamp.from(until), Timestamp.from(now));
		if (inserted == 0) {
			throw ProblemException.conflict("This authorization was already opened");
		}
		this.secrets.put(new Owner(PKCE, stateId), verifier);
		Map<String, String> query = new LinkedHashMap<>();
		query.put("response_type", "code");
		query.put("client_id", credential.getOauthClientId());
		query.put("redirect_uri", redirectUri);
		if (credential.getOauthScopes() != null && !credential.getOauthScopes().isBlank()) {
			query.put("scope", credential.getOauthScopes().replace(',', ' ').trim().replaceAll("\\s+", " "));
		}
		query.put("state", state);
		query.put("code_challenge", challenge(verifier));
		query.put("code_challenge_method", "S256");
		StringBuilder url = new StringBuilder(authUrl.toString());
		url.append(authUrl.getRawQuery() == null ? '?' : '&');
		query.forEach((key, value) -> url.append(key)
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8))
			.append('&'));
		url.setLength(url.length() - 1);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("auth_url", url.toString());
		answer.put("code_challenge_method", "S256");
		answer.put("expires_at", until.toString());
		return answer;
	}

	/**
	 * Trades the code for tokens. With {@code stateId} the sealed verifier of that
	 * authorization is used (and spent, also when the provider then refuses); otherwise
	 * the caller's own {@code codeVerifier} (a CLI that ran PKCE itself), or none.
	 * @throws ProblemException 400 for an unknown, spent or expired authorization, 502
	 * when the provider refuses or cannot be reached
	 */
	@Transactional(noRollbackFor = ProblemException.class)
	Map<String, Object> exchange(String workspaceId, String credentialId, String actor, String code, String redirectUri,
			String stateId, String codeVerifier) {
		Credential credential = oauthClient(workspaceId, credentialId);
		String verifier = codeVerifier;
		String redirect = redirectUri;
		if (stateId != null && !stateId.isBlank()) {
			List<Map<String, Object>> spent = this.jdbc.queryForList("""
					delete from oauth_authorizations where state_id = ? and credential_id = ? and workspace_id = ?
					returning redirect_uri, expires_at
					""", stateId, credentialId, workspaceId);
			Owner pkce = new Owner(PKCE, stateId);
			String sealed = spent.isEmpty() ? null : this.secrets.open(pkce).orElse(null);
			this.secrets.delete(pkce);
			if (spent.isEmpty() || sealed == null) {
				throw ProblemException.badRequest("The OAuth authorization is unknown or was already used");
			}
			if (((Timestamp) spent.get(0).get("expires_at")).toInstant().isBefore(Instant.now())) {
				throw ProblemException.badRequest("The OAuth authorization expired; start it again");
			}
			verifier = sealed;
			if (redirect == null || redirect.isBlank()) {
				redirect = (String) spent.get(0).get("redirect_uri");
			}
		}
		if (credential.getOauthTokenUrl() == null || credential.getOauthTokenUrl().isBlank()) {
			throw ProblemException.badRequest("The credential has no OAuth token URL");
		}
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "authorization_code");
		form.put("code", code);
		form.put("redirect_uri", redirect);
		form.put("client_id", credential.getOauthClientId());
		form.put("client_secret",
				this.secrets.open(new Owner(Credential.OAUTH_CLIENT_SECRET, credential.getId())).orElse(null));
		form.put("code_verifier", verifier);
		TokenEndpoint.Outcome outcome = this.tokens.request(credential.getOauthTokenUrl(), form);
		if (outcome instanceof TokenEndpoint.Issued issued) {
			Instant expires = expiry(issued.tokens().expiresIn());
			this.credentials.tokenIssued(credential, issued.tokens().accessToken(), issued.tokens().refreshToken(),
					expires, actor, "connected");
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("status", "ok");
			answer.put("credential_id", credential.getId());
			answer.put("token_expires_at", (expires != null) ? expires.toString() : null);
			answer.put("scope", issued.tokens().scope());
			answer.put("has_refresh_token", issued.tokens().refreshToken() != null);
			return answer;
		}
		String why = (outcome instanceof TokenEndpoint.Refused refused) ? refused.summary()
				: ((TokenEndpoint.Unreachable) outcome).why();
		log.info("OAuth code exchange for credential {} failed: {}", credential.getId(), why);
		throw new ProblemException(HttpStatus.BAD_GATEWAY, "Token exchange failed: " + why);
	}

	/** Authorizations nobody finished: their verifiers go. */
	@Scheduled(fixedDelayString = "${crewship.vault.oauth.purge-interval:PT5M}", initialDelayString = "PT1M")
	@Transactional
	public void purgeExpired() {
		for (String stateId : this.jdbc.queryForList(
				"delete from oauth_authorizations where expires_at < now() returning state_id", String.class)) {
			this.secrets.delete(new Owner(PKCE, stateId));
		}
	}

	static Instant expiry(Long expiresIn) {
		return (expiresIn != null && expiresIn > 0) ? Timestamps.now().plusSeconds(expiresIn) : null;
	}

	private Credential oauthClient(String workspaceId, String credentialId) {
		Credential credential = this.credentials.find(workspaceId, credentialId);
		if (credential.getOauthClientId() == null || credential.getOauthClientId().isBlank()) {
			throw ProblemException.badRequest("The credential is not an OAuth client (no oauth_client_id)");
		}
		return credential;
	}

	private static URI httpUrl(String value, String what) {
		try {
			URI uri = URI.create(value.trim());
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
				return uri;
			}
		}
		catch (IllegalArgumentException ex) {
			// below
		}
		throw ProblemException.badRequest("The credential's " + what + " is not an http(s) URL");
	}

	static String random(int bytes) {
		byte[] value = new byte[bytes];
		RANDOM.nextBytes(value);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
	}

	static String challenge(String verifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
