package crewship.auth.idp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.Response;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.jboss.resteasy.client.jaxrs.engines.ApacheHttpClient43Engine;
import org.jboss.resteasy.client.jaxrs.internal.ResteasyClientBuilderImpl;
import org.keycloak.OAuth2Constants;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.JacksonProvider;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.ClientsResource;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.spi.StreamMessageBodyReader;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.RealmRepresentation;
import org.keycloak.representations.idm.RequiredActionProviderRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.auth.users.Passwords;
import crewship.auth.users.User;
import crewship.platform.web.ProblemException;

/**
 * Passwords in a Keycloak realm. Accounts are created and their passwords reset through
 * the admin API; a password is checked at the realm's token endpoint (resource owner
 * password grant through a confidential client). The realm and that client are made at
 * startup in the background (or on first use, if Keycloak was down then), idempotently
 * across replicas. Every call is bounded by the connect and read timeouts; a Keycloak
 * that cannot be reached, times out or fails answers 503 with {@code Retry-After}, never
 * 500, and never counts as a wrong password.
 * <p>
 * Accounts created before the switch to Keycloak keep their local hash until the password
 * is next changed, which moves them into Keycloak.
 */
@Component
@ConditionalOnProperty(name = "crewship.auth.idp", havingValue = "keycloak")
class KeycloakIdentityProvider implements IdentityProvider, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(KeycloakIdentityProvider.class);

	/**
	 * Checked for addresses without an account: no account of ours has a username without
	 * {@code @}, so this one never exists and Keycloak answers as for a wrong password.
	 */
	private static final String DECOY_USERNAME = "crewship-no-such-account";

	private final KeycloakProperties properties;

	private final Passwords passwords;

	private final Keycloak admin;

	private final RestClient http;

	/** The password-check client's secret; null until the realm is known to be ready. */
	private volatile String clientSecret;

	private final ReentrantLock setup = new ReentrantLock();

	KeycloakIdentityProvider(KeycloakProperties properties, Passwords passwords) {
		properties.requireComplete();
		this.properties = properties;
		this.passwords = passwords;
		this.admin = adminClient(properties, properties.readTimeout());
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.connectTimeout())
			.build());
		requests.setReadTimeout(properties.readTimeout());
		this.http = RestClient.builder().requestFactory(requests).build();
	}

	/**
	 * The admin client on its own RESTEasy client and connection pool: the defaults wait
	 * forever and keep a single connection. Pooled connections are checked before reuse,
	 * so a Keycloak that restarted costs no failed request.
	 */
	private static Keycloak adminClient(KeycloakProperties properties, Duration readTimeout) {
		PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
		pool.setMaxTotal(8);
		pool.setDefaultMaxPerRoute(8);
		pool.setValidateAfterInactivity(1);
		int connect = (int) properties.connectTimeout().toMillis();
		int read = (int) readTimeout.toMillis();
		HttpClient apache = HttpClientBuilder.create()
			.setConnectionManager(pool)
			.setDefaultRequestConfig(RequestConfig.custom()
				.setConnectTimeout(connect)
				.setSocketTimeout(read)
				.setConnectionRequestTimeout(read)
				.build())
			.disableCookieManagement()
			.build();
		Client client = new ResteasyClientBuilderImpl().httpEngine(new ApacheHttpClient43Engine(apache, true)) // closed
																												// with
																												// the
																												// client
			.register(StreamMessageBodyReader.class)
			// tolerant of fields a newer server adds to its representations
			.register(JacksonProvider.class, 100)
			.build();
		KeycloakBuilder builder = KeycloakBuilder.builder()
			.serverUrl(properties.url())
			.realm(properties.adminRealm())
			.clientId(properties.adminClientId())
			.resteasyClient(client);
		if (properties.adminClientSecret() != null) {
			builder.grantType(OAuth2Constants.CLIENT_CREDENTIALS).clientSecret(properties.adminClientSecret());
		}
		else {
			builder.grantType(OAuth2Constants.PASSWORD)
				.username(properties.adminUser())
				.password(properties.adminPassword());
		}
		return builder.build();
	}

	@Override
	public void provision(User user, String password) {
		ready();
		UserRepresentation account = new UserRepresentation();
		account.setUsername(user.getEmail());
		account.setEmail(user.getEmail());
		account.setEmailVerified(true);
		account.setEnabled(true);
		int space = user.getFullName().lastIndexOf(' ');
		account.setFirstName((space > 0) ? user.getFullName().substring(0, space) : user.getFullName());
		account.setLastName((space > 0) ? user.getFullName().substring(space + 1) : null);
		account.setCredentials(List.of(passwordCredential(password)));
		String subject = call(() -> {
			try (Response response = realm().users().create(account)) {
				return switch (response.getStatus()) {
					case 201 -> CreatedResponseUtil.getCreatedId(response);
					case 409 -> null;
					case 400 -> throw ProblemException
						.badRequest("The identity provider refused the account: " + errorMessage(response));
					default -> throw new WebApplicationException(response.getStatus());
				};
			}
		});
		if (subject == null) {
			adopt(user, password);
			return;
		}
		user.linkKeycloak(subject);
		forgetIfRolledBack(subject);
	}

	/**
	 * Keycloak already has this username: an account left behind by an earlier attempt
	 * whose transaction rolled back, or one made in Keycloak directly. It becomes ours
	 * only for a caller who knows its password; anyone else would be taking it over, so
	 * nothing is overwritten.
	 */
	private void adopt(User user, String password) {
		List<UserRepresentation> existing = call(() -> realm().users().searchByUsername(user.getEmail(), true));
		if (existing.size() != 1 || !passwordGrant(user.getEmail(), password)) {
			throw new AccountTakenException();
		}
		user.linkKeycloak(existing.get(0).getId());
	}

	/**
	 * Compensation: the {@code users} row that would point at the new Keycloak user did
	 * not commit, so the Keycloak user goes too (best effort; {@link #adopt} covers a
	 * leftover).
	 */
	private void forgetIfRolledBack(String subject) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_ROLLED_BACK) {
					try (Response ignored = realm().users().delete(subject)) {
						log.info("Removed Keycloak user {} after its account rolled back", subject);
					}
					catch (RuntimeException ex) {
						log.warn("Could not remove Keycloak user {} after its account rolled back: {}", subject,
								ex.toString());
					}
				}
			}
		});
	}

	@Override
	public boolean verify(User user, String password) {
		if (user != null && user.getKeycloakSubject() == null) {
			return this.passwords.matches(password, user.getPasswordHash()); // not moved
																				// yet
		}
		// an unknown address asks Keycloak too, so its answer and time match a wrong
		// password
		return passwordGrant((user != null) ? user.getEmail() : DECOY_USERNAME, password);
	}

	@Override
	public boolean hasPassword(User user) {
		return user.getKeycloakSubject() != null || user.getPasswordHash() != null;
	}

	@Override
	public void changePassword(User user, String newPassword) {
		if (user.getKeycloakSubject() == null) {
			provision(user, newPassword); // an account from before the switch moves over
			return;
		}
		ready();
		call(() -> {
			realm().users().get(user.getKeycloakSubject()).resetPassword(passwordCredential(newPassword));
			return null;
		});
	}

	/**
	 * The realm's token endpoint decides: 200 is the right password,
	 * {@code invalid_grant} a wrong one (or an unknown, disabled or locked Keycloak
	 * user). Anything else is Keycloak failing or misconfigured, and says nothing about
	 * the password.
	 */
	private boolean passwordGrant(String username, String password) {
		String secret = ready();
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "password");
		form.add("client_id", this.properties.clientId());
		form.add("client_secret", secret);
		form.add("username", username);
		form.add("password", password);
		form.add("scope", "openid");
		TokenAnswer answer;
		try {
			answer = this.http.post()
				.uri(this.properties.url() + "/realms/{realm}/protocol/openid-connect/token", this.properties.realm())
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(form)
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					if (status == 200) {
						return new TokenAnswer(status, null);
					}
					Map<String, Object> error = (status == 400 || status == 401)
							? response.bodyTo(new ParameterizedTypeReference<Map<String, Object>>() {
							}) : null;
					return new TokenAnswer(status, (error != null) ? String.valueOf(error.get("error")) : null);
				}, true);
		}
		catch (RestClientException ex) {
			throw unavailable("password check", ex);
		}
		if (answer.status() == 200) {
			return true;
		}
		if ("invalid_grant".equals(answer.error())) {
			return false;
		}
		if ("invalid_client".equals(answer.error()) || "unauthorized_client".equals(answer.error())) {
			this.clientSecret = null; // the client may have been replaced: look again
										// next time
		}
		throw unavailable("password check answered " + answer.status() + " " + answer.error(), null);
	}

	private record TokenAnswer(int status, String error) {
	}

	/**
	 * Prepares the realm as soon as the service is up, so the first sign-in does not wait
	 * for it; a Keycloak that is down then is prepared on first use instead.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void prepareInBackground() {
		Thread.ofVirtual().name("keycloak-setup").start(() -> {
			try {
				ready();
			}
			catch (ProblemException ex) {
				// logged; tried again on first use
			}
		});
	}

	/**
	 * Makes sure the realm and the password-check client exist, once per instance (again
	 * after a failure). A request arriving meanwhile waits for that, within the setup
	 * timeout. @return the client's secret
	 */
	private String ready() {
		String secret = this.clientSecret;
		if (secret != null) {
			return secret;
		}
		try {
			if (!this.setup.tryLock(this.properties.setupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				throw unavailable("realm setup still running", null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable("interrupted while waiting for the realm setup", ex);
		}
		try {
			if (this.clientSecret == null) {
				// creating a realm is slow: its own client, with the longer setup timeout
				try (Keycloak slow = adminClient(this.properties, this.properties.setupTimeout())) {
					this.clientSecret = call(() -> prepareRealm(slow));
				}
			}
			return this.clientSecret;
		}
		finally {
			this.setup.unlock();
		}
	}

	private String prepareRealm(Keycloak admin) {
		String name = this.properties.realm();
		RealmResource realm = admin.realm(name);
		try {
			realm.toRepresentation();
		}
		catch (NotFoundException missing) {
			// accounts come only through auth-service, whose lockout counts the misses
			RealmRepresentation representation = new RealmRepresentation();
			representation.setRealm(name);
			representation.setEnabled(true);
			representation.setRegistrationAllowed(false);
			representation.setBruteForceProtected(false);
			ignoringConflict(() -> admin.realms().create(representation));
			// one-word names leave the last name empty: no profile prompt may block a
			// password grant
			RequiredActionProviderRepresentation verifyProfile = realm.flows().getRequiredAction("VERIFY_PROFILE");
			verifyProfile.setEnabled(false);
			realm.flows().updateRequiredAction("VERIFY_PROFILE", verifyProfile);
			log.info("Created Keycloak realm {}", name);
		}
		ClientsResource clients = realm.clients();
		if (clients.findByClientId(this.properties.clientId()).isEmpty()) {
			ClientRepresentation client = new ClientRepresentation();
			client.setClientId(this.properties.clientId());
			client.setName("Crewship auth-service password check");
			client.setProtocol("openid-connect");
			client.setPublicClient(false);
			client.setClientAuthenticatorType("client-secret");
			client.setSecret(this.properties.clientSecret());
			client.setDirectAccessGrantsEnabled(true);
			client.setStandardFlowEnabled(false);
			client.setServiceAccountsEnabled(false);
			try (Response response = clients.create(client)) {
				if (response.getStatus() != 201 && response.getStatus() != 409) {
					throw new WebApplicationException(response.getStatus());
				}
			}
			log.info("Created Keycloak client {} in realm {}", this.properties.clientId(), name);
		}
		if (this.properties.clientSecret() != null) {
			return this.properties.clientSecret();
		}
		String id = clients.findByClientId(this.properties.clientId()).get(0).getId();
		return clients.get(id).getSecret().getValue();
	}

	/** Another replica may have created it a moment ago: that is fine. */
	private static void ignoringConflict(Runnable create) {
		try {
			create.run();
		}
		catch (WebApplicationException ex) {
			if (ex.getResponse().getStatus() != 409) {
				throw ex;
			}
		}
	}

	private RealmResource realm() {
		return this.admin.realm(this.properties.realm());
	}

	private static CredentialRepresentation passwordCredential(String password) {
		CredentialRepresentation credential = new CredentialRepresentation();
		credential.setType(CredentialRepresentation.PASSWORD);
		credential.setValue(password);
		credential.setTemporary(false);
		return credential;
	}

	private static String errorMessage(Response response) {
		try {
			Map<?, ?> body = response.readEntity(Map.class);
			Object message = (body != null) ? body.get("errorMessage") : null;
			return (message != null) ? message.toString() : "invalid account";
		}
		catch (RuntimeException ex) {
			return "invalid account";
		}
	}

	/**
	 * Runs an admin API call; unreachable, slow or failing Keycloak becomes a 503.
	 */
	private <T> T call(Supplier<T> action) {
		try {
			return action.get();
		}
		catch (ProcessingException ex) {
			throw unavailable("admin API", ex);
		}
		catch (WebApplicationException ex) {
			throw unavailable("admin API answered " + ex.getResponse().getStatus(), ex);
		}
	}

	private ProblemException unavailable(String what, Exception cause) {
		log.warn("Keycloak at {} unavailable ({}): {}", this.properties.url(), what,
				(cause != null) ? cause.toString() : "");
		ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
				"The identity provider is unavailable; try again shortly");
		problem.getHeaders().set("Retry-After", Long.toString(Math.max(1, this.properties.retryAfter().toSeconds())));
		return problem;
	}

	@Override
	public void destroy() {
		this.admin.close();
	}

}
