package crewship.auth.users;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Password hashing: BCrypt behind a delegating encoder ({@code {bcrypt}…}), so stored
 * hashes name their scheme and can be upgraded on the next login. A check against a
 * missing hash still spends the time of a real one, so response time does not reveal
 * whether an account exists.
 */
@Component
public class Passwords {

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	private final String decoy = this.encoder.encode("decoy-password-for-timing");

	public String hash(String password) {
		return this.encoder.encode(password);
	}

	public boolean matches(String password, String hash) {
		if (hash == null) {
			this.encoder.matches(password, this.decoy);
			return false;
		}
		return this.encoder.matches(password, hash);
	}

}
