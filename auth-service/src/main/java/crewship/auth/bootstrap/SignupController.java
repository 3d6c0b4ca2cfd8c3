package crewship.auth.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.AuthProperties;
import crewship.auth.idp.AccountTakenException;
import crewship.platform.web.ProblemException;

/**
 * The two ways an account comes to exist without an invitation: bootstrap and open
 * signup.
 */
@RestController
class SignupController {

	private final Accounts accounts;

	private final AuthProperties properties;

	SignupController(Accounts accounts, AuthProperties properties) {
		this.accounts = accounts;
		this.properties = properties;
	}

	record NewAccount(@NotBlank @Size(min = 2, max = 100) String fullName,
			@NotBlank @Email @Size(max = 254) String email, @NotBlank @Size(min = 8, max = 200) String password) {
	}

	@PostMapping("/api/v1/bootstrap")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> bootstrap(@Valid @RequestBody NewAccount request) {
		Accounts.Bootstrapped result = this.accounts.bootstrap(request.fullName(), request.email(), request.password());
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("user_id", result.user().getId());
		body.put("email", result.user().getEmail());
		body.put("workspace_id", result.workspace().getId());
		body.put("cli_token", result.cliToken());
		body.put("session_pending", true);
		return body;
	}

	/**
	 * The same answer whether or not the address already had an account: no enumeration
	 * oracle.
	 */
	@PostMapping("/api/v1/auth/signup")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> signup(@Valid @RequestBody NewAccount request) {
		if (!this.properties.allowSignup()) {
			throw ProblemException.forbidden("Signup is disabled on this instance (CREWSHIP_ALLOW_SIGNUP)");
		}
		try {
			this.accounts.signup(request.fullName(), request.email(), request.password());
		}
		catch (AccountTakenException ex) {
			// the identity provider knows the address: the same answer as for an existing
			// account (nothing was created, nothing overwritten)
		}
		return Map.of("ok", true, "message", "If that email address isn't already registered, the account has been "
				+ "created. Sign in at /login to continue.");
	}

	@GetMapping("/api/v1/system/setup-status")
	Map<String, Object> setupStatus() {
		return Map.of("needs_bootstrap", this.accounts.isEmpty(), "allow_signup", this.properties.allowSignup());
	}

}
