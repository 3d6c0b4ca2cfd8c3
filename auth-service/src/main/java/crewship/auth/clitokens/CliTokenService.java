package crewship.auth.clitokens;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.audit.AuditRecord;
import crewship.platform.audit.AuditTrail;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * CLI tokens: {@code crewship_cli_} + 64 hex characters (256 random bits), shown once and
 * stored only as their SHA-256. Lookup is by hash, so comparing a presented token never
 * compares secrets character by character.
 */
@Service
public class CliTokenService {

	public static final String PREFIX = "crewship_cli_";

	static final int MAX_LISTED = 100;

	private final CliTokenRepository tokens;

	private final AuditTrail audit;

	CliTokenService(CliTokenRepository tokens, AuditTrail audit) {
		this.tokens = tokens;
		this.audit = audit;
	}

	/** A token just minted: the only moment its value exists outside the client. */
	public record Minted(CliToken record, String token) {
	}

	@Transactional
	public Minted mint(String userId, String name, Duration lifetime) {
		String token = PREFIX + Secrets.randomHex(32);
		Instant expiresAt = (lifetime != null) ? Timestamps.now().plus(lifetime) : null;
		CliToken record = this.tokens
			.save(new CliToken(userId, (name == null || name.isBlank()) ? "CLI token" : name.trim(),
					CliToken.Tier.STANDARD, Secrets.sha256Hex(token), expiresAt));
		this.audit.record(new AuditRecord(null, userId, "cli_token.create", "cli_token", record.getId(),
				java.util.Map.of("name", record.getName()), null, null));
		return new Minted(record, token);
	}

	/** For the gateway: the live token behind a presented value, marked used. */
	@Transactional
	public Optional<CliToken> introspect(String token) {
		if (token == null || !token.startsWith(PREFIX)) {
			return Optional.empty();
		}
		Instant now = Timestamps.now();
		return this.tokens.findByTokenHash(Secrets.sha256Hex(token))
			.filter(record -> record.isUsable(now))
			.map(record -> {
				record.markUsed(now);
				return record;
			});
	}

	/** A token by its id while it is usable (not revoked, not expired). */
	@Transactional(readOnly = true)
	public Optional<CliToken> live(String tokenId) {
		Instant now = Timestamps.now();
		return this.tokens.findById(tokenId).filter(record -> record.isUsable(now));
	}

	@Transactional(readOnly = true)
	public List<CliToken> list(String userId) {
		return this.tokens.findByUserIdOrderByCreatedAtDesc(userId, Limit.of(MAX_LISTED));
	}

	@Transactional
	public void revoke(String userId, String tokenId) {
		CliToken record = this.tokens.findById(tokenId)
			.filter(candidate -> candidate.getUserId().equals(userId))
			.orElseThrow(() -> ProblemException.notFound("CLI token not found"));
		if (record.revoke()) {
			this.audit
				.record(new AuditRecord(null, userId, "cli_token.revoke", "cli_token", tokenId, null, null, null));
		}
	}

}
