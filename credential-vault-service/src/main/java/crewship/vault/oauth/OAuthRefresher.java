package crewship.vault.oauth;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.ids.Timestamps;
import crewship.vault.credentials.Credential;
import crewship.vault.credentials.Credentials;
import crewship.vault.crypto.SealedSecrets;
import crewship.vault.crypto.SealedSecrets.Owner;

/**
 * Refreshes OAuth access tokens before they expire (RFC 6749 §6), so a run never gets a
 * stale one. Every replica sweeps; each credential is claimed with
 * {@code FOR UPDATE SKIP LOCKED} in its own transaction, so two replicas never refresh
 * the same token (a provider rotating refresh tokens would revoke the loser's). A refusal
 * ({@code invalid_grant}, 400/401) means only a new consent helps: the credential becomes
 * EXPIRED and {@code credential.expired} is published. A provider that does not answer is
 * retried with a growing backoff.
 */
@Service
public class OAuthRefresher {

	private static final Logger log = LoggerFactory.getLogger(OAuthRefresher.class);

	/** Credentials refreshed per sweep and replica, so one sweep stays short. */
	static final int BATCH = 50;

	private final JdbcTemplate jdbc;

	private final Credentials credentials;

	private final SealedSecrets secrets;

	private final TokenEndpoint tokens;

	private final TransactionTemplate transactions;

	private final Duration lead;

	OAuthRefresher(JdbcTemplate jdbc, Credentials credentials, SealedSecrets secrets, TokenEndpoint tokens,
			PlatformTransactionManager transactions,
			@Value("${crewship.vault.oauth.refresh-before:PT5M}") Duration lead) {
		this.jdbc = jdbc;
		this.credentials = credentials;
		this.secrets = secrets;
		this.tokens = tokens;
		this.transactions = new TransactionTemplate(transactions);
		this.lead = lead;
	}

	@Scheduled(fixedDelayString = "${crewship.vault.oauth.refresh-sweep:PT30S}",
			initialDelayString = "${crewship.vault.oauth.refresh-initial-delay:PT20S}")
	public void sweep() {
		try {
			refreshDue();
		}
		catch (RuntimeException ex) {
			log.warn("OAuth refresh sweep failed: {}", ex.toString());
		}
	}

	/**
	 * Refreshes the tokens expiring within the lead time, one transaction each.
	 * @return how many were refreshed (not counting refusals and failures)
	 */
	public int refreshDue() {
		int refreshed = 0;
		for (int i = 0; i < BATCH; i++) {
			Boolean outcome = this.transactions.execute(status -> refreshNext());
			if (outcome == null) {
				break;
			}
			if (outcome) {
				refreshed++;
			}
		}
		return refreshed;
	}

	/**
	 * @return null when nothing is due, else whether the one claimed was refreshed
	 */
	private Boolean refreshNext() {
		List<Map<String, Object>> due = this.jdbc.queryForList("""
				select c.id, c.workspace_id, c.oauth_refresh_failures from credentials c
				 where c.deleted_at is null and c.oauth_token_url is not null and c.oauth_client_id is not null
				   and c.status in ('ACTIVE', 'RATE_LIMITED', 'ERROR')
				   and c.token_expires_at is not null and c.token_expires_at < ?
				   and (c.oauth_next_refresh_at is null or c.oauth_next_refresh_at <= now())
				   and exists (select 1 from sealed_secrets s where s.owner_type = ? and s.owner_id = c.id)
				 order by c.token_expires_at limit 1
				 for update of c skip locked
				""", Timestamp.from(Instant.now().plus(this.lead)), Credential.REFRESH_TOKEN);
		if (due.isEmpty()) {
			return null;
		}
		String id = (String) due.get(0).get("id");
		Credential credential = this.credentials.find((String) due.get(0).get("workspace_id"), id);
		int failures = ((Number) due.get(0).get("oauth_refresh_failures")).intValue();
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "refresh_token");
		form.put("refresh_token", this.secrets.open(new Owner(Credential.REFRESH_TOKEN, id)).orElseThrow());
		form.put("client_id", credential.getOauthClientId());
		form.put("client_secret", this.secrets.open(new Owner(Credential.OAUTH_CLIENT_SECRET, id)).orElse(null));
		TokenEndpoint.Outcome outcome = this.tokens.request(credential.getOauthTokenUrl(), form);
		return switch (outcome) {
			case TokenEndpoint.Issued issued -> {
				this.credentials.tokenIssued(credential, issued.tokens().accessToken(), issued.tokens().refreshToken(),
						OAuthAuthorizations.expiry(issued.tokens().expiresIn()), null, "refreshed");
				this.jdbc.update(
						"update credentials set oauth_refresh_failures = 0, oauth_next_refresh_at = null where id = ?",
						id);
				yield true;
			}
			case TokenEndpoint.Refused refused -> {
				log.info("OAuth refresh of credential {} refused: {}", id, refused.summary());
				this.credentials.tokenExpired(credential, "Token refresh refused: " + refused.summary());
				yield false;
			}
			case TokenEndpoint.Unreachable unreachable -> {
				Duration backoff = Duration.ofSeconds(Math.min(600, 30L << Math.min(failures, 5)));
				log.info("OAuth refresh of credential {} failed ({}); next try in {}", id, unreachable.why(), backoff);
				this.jdbc.update(
						"update credentials set oauth_refresh_failures = oauth_refresh_failures + 1, oauth_next_refresh_at = ? where id = ?",
						Timestamp.from(Timestamps.now().plus(backoff)), id);
				yield false;
			}
		};
	}

}
