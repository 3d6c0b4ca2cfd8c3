package crewship.auth.recovery;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/auth/reset}: the token is the credential. */
@RestController
class ResetController {

	private final PasswordTokens tokens;

	ResetController(PasswordTokens tokens) {
		this.tokens = tokens;
	}

	record Reset(@NotBlank @Size(max = 200) String token, @NotBlank @Size(min = 8, max = 200) String newPassword) {
	}

	@PostMapping("/api/v1/auth/reset")
	Map<String, Object> reset(@Valid @RequestBody Reset reset) {
		this.tokens.redeem(reset.token(), reset.newPassword());
		return Map.of("ok", true);
	}

}
