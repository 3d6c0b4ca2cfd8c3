package crewship.auth.idp;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import crewship.auth.users.Passwords;
import crewship.auth.users.User;

/** Passwords as bcrypt hashes in {@code users.password_hash}: the default provider. */
@Component
@ConditionalOnProperty(name = "crewship.auth.idp", havingValue = "local", matchIfMissing = true)
class LocalIdentityProvider implements IdentityProvider {

	private final Passwords passwords;

	LocalIdentityProvider(Passwords passwords) {
		this.passwords = passwords;
	}

	@Override
	public void provision(User user, String password) {
		user.changePassword(this.passwords.hash(password));
	}

	@Override
	public boolean verify(User user, String password) {
		// a missing hash (no account, or none set) still spends a real comparison's time
		return this.passwords.matches(password, (user != null) ? user.getPasswordHash() : null);
	}

	@Override
	public boolean hasPassword(User user) {
		return user.getPasswordHash() != null;
	}

	@Override
	public void changePassword(User user, String newPassword) {
		user.changePassword(this.passwords.hash(newPassword));
	}

}
