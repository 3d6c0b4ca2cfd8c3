package crewship.auth.bootstrap;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.auth.clitokens.CliTokenService;
import crewship.auth.idp.IdentityProvider;
import crewship.auth.invitations.InvitationService;
import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.auth.workspaces.Workspace;
import crewship.auth.workspaces.WorkspaceService;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/** Creating accounts: the first OWNER of an empty instance, and open signup. */
@Service
class Accounts {

	private static final Logger log = LoggerFactory.getLogger(Accounts.class);

	/** Serialises bootstraps across replicas: only one can find the instance empty. */
	private static final long BOOTSTRAP_LOCK = 0x626f6f7473747261L;

	private final UserRepository users;

	private final IdentityProvider identities;

	private final WorkspaceService workspaces;

	private final CliTokenService cliTokens;

	private final JdbcTemplate jdbc;

	private final InvitationService invitations;

	Accounts(UserRepository users, IdentityProvider identities, WorkspaceService workspaces, CliTokenService cliTokens,
			JdbcTemplate jdbc, InvitationService invitations) {
		this.invitations = invitations;
		this.users = users;
		this.identities = identities;
		this.workspaces = workspaces;
		this.cliTokens = cliTokens;
		this.jdbc = jdbc;
	}

	record Bootstrapped(User user, Workspace workspace, String cliToken) {
	}

	@Transactional(readOnly = true)
	boolean isEmpty() {
		return this.users.count() == 0;
	}

	/**
	 * The password is provisioned inside the transaction: when the identity provider
	 * fails (503) or refuses (409), no owner is left behind without a credential.
	 */
	@Transactional
	Bootstrapped bootstrap(String fullName, String email, String password) {
		this.jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, BOOTSTRAP_LOCK);
		if (this.users.count() > 0) {
			throw ProblemException.conflict("This instance is already bootstrapped");
		}
		User owner = this.users.saveAndFlush(new User(email, fullName, null));
		this.identities.provision(owner, password);
		Workspace workspace = starterWorkspace(owner);
		// the markers instance settings protect from deletion
		this.jdbc.update("""
				insert into app_settings (key, value, updated_at, updated_by) values
				  ('instance.bootstrap_at', ?, now(), ?), ('instance.first_user_id', ?, now(), ?)
				on conflict (key) do nothing""", Timestamps.now().toString(), owner.getId(), owner.getId(),
				owner.getId());
		String token = this.cliTokens.mint(owner.getId(), "bootstrap", null).token();
		return new Bootstrapped(owner, workspace, token);
	}

	/**
	 * Creates the account, its password at the identity provider, a starter workspace,
	 * and redeems the invitations for the address, in one transaction.
	 * @throws crewship.auth.idp.AccountTakenException when the identity provider holds
	 * the address under another password (the transaction rolls back)
	 */
	@Transactional
	void signup(String fullName, String email, String password) {
		if (this.users.findByEmail(email).isPresent()) {
			log.info("Signup attempt for an existing account (address hash {})",
					Integer.toHexString(email.toLowerCase(Locale.ROOT).hashCode()));
			this.identities.verify(null, password); // spend the time of a real password
													// step
			return;
		}
		User user = this.users.saveAndFlush(new User(email, fullName, null));
		this.identities.provision(user, password);
		starterWorkspace(user);
		this.invitations.redeemFor(user);
	}

	private Workspace starterWorkspace(User owner) {
		String slug = "ws-" + Cuid.next().substring(1, 13);
		return this.workspaces.create(owner.getId(), owner.getFullName() + "'s workspace", slug, null);
	}

}
