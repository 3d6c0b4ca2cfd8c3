package crewship.auth.clitokens;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.users.UserRepository;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;

@RestController
class CliTokenController {

	private final CliTokenService tokens;

	private final UserRepository users;

	CliTokenController(CliTokenService tokens, UserRepository users) {
		this.tokens = tokens;
		this.users = users;
	}

	record CreateToken(@Size(max = 100) String name, String tier,
			@Min(60) @Max(10L * 365 * 24 * 3600) Long expiresInSeconds) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TokenView(String id, String name, String tier, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
			Instant revokedAt, String token) {

		static TokenView of(CliToken record, String token) {
			return new TokenView(record.getId(), record.getName(), record.getTier().name(), record.getCreatedAt(),
					record.getExpiresAt(), record.getLastUsedAt(), record.getRevokedAt(), token);
		}

	}

	@PostMapping("/api/v1/auth/cli-token")
	TokenView create(@Valid @RequestBody(required = false) CreateToken request, IdentityAssertion caller) {
		caller.requireUser();
		CreateToken body = (request != null) ? request : new CreateToken(null, null, null);
		if (body.tier() != null && !body.tier().equals("STANDARD")) {
			throw ProblemException.badRequest("tier: only STANDARD tokens can be issued");
		}
		Duration lifetime = (body.expiresInSeconds() != null) ? Duration.ofSeconds(body.expiresInSeconds()) : null;
		CliTokenService.Minted minted = this.tokens.mint(caller.subject(), body.name(), lifetime);
		return TokenView.of(minted.record(), minted.token());
	}

	@GetMapping("/api/v1/auth/cli-token/validate")
	Map<String, Object> validate(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.CLI) {
			throw ProblemException.unauthorized("Call this with the CLI token to validate");
		}
		String email = this.users.findById(caller.subject()).map(user -> user.getEmail()).orElse("");
		// token_id beside the reference's fields: what `crewship logout` revokes for a
		// token it was handed (login --token) rather than minted
		return Map.of("valid", true, "user_id", caller.subject(), "user_email", email, "token_id",
				caller.credentialId());
	}

	@GetMapping("/api/v1/auth/cli-tokens")
	Map<String, List<TokenView>> list(IdentityAssertion caller) {
		caller.requireUser();
		return Map.of("data",
				this.tokens.list(caller.subject()).stream().map(record -> TokenView.of(record, null)).toList());
	}

	@DeleteMapping("/api/v1/auth/cli-tokens/{tokenId}")
	Map<String, String> revoke(@PathVariable String tokenId, IdentityAssertion caller) {
		caller.requireUser();
		this.tokens.revoke(caller.subject(), tokenId);
		return Map.of("status", "revoked");
	}

}
