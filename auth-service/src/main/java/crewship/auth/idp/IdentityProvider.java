package crewship.auth.idp;

import crewship.auth.users.User;
import crewship.platform.web.ProblemException;

/**
 * Where account passwords live: bcrypt hashes in our own {@code users} table (the
 * default, {@code crewship.auth.idp=local}) or a Keycloak realm
 * ({@code crewship.auth.idp=keycloak}). Either way sessions, tokens, lockout and
 * workspaces stay in auth-service: a provider only provisions, checks and changes
 * passwords. Every method may throw a 503 {@link ProblemException} with
 * {@code Retry-After} when a remote provider cannot be reached.
 */
public interface IdentityProvider {

	/**
	 * Gives an account whose {@code users} row was just created its password. Call it
	 * inside the transaction that created the row, so a failure here rolls the row back
	 * and no account is left without a credential.
	 * @throws AccountTakenException when the provider already holds an account for that
	 * address under another password; nothing was changed there
	 */
	void provision(User user, String password);

	/**
	 * Whether {@code password} is the account's. With {@code user == null} (an address
	 * without an account) it does comparable work and answers {@code false}, so neither
	 * the answer nor its time tells whether the address has an account.
	 */
	boolean verify(User user, String password);

	/**
	 * Whether the account has a password at all (else only password recovery helps).
	 */
	boolean hasPassword(User user);

	/**
	 * Replaces the account's password; the caller has checked the current one. Call it
	 * last in the caller's transaction: a remote provider cannot take a change back.
	 */
	void changePassword(User user, String newPassword);

}
