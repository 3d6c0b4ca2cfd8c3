package crewship.auth.idp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import crewship.auth.users.Passwords;
import crewship.auth.users.User;
import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A Keycloak that is down or hangs is a 503 with Retry-After within the configured
 * timeouts, never a 500 and never a wait without end.
 */
class KeycloakIdentityProviderTests {

	private static KeycloakIdentityProvider providerAt(int port) {
		return new KeycloakIdentityProvider(
				new KeycloakProperties("http://127.0.0.1:" + port, null, null, null, null, "admin", "admin", null, null,
						Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(9)),
				new Passwords());
	}

	private static User keycloakUser() {
		User user = new User("kc-" + System.nanoTime() + "@example.com", "Kay Cloak", null);
		user.linkKeycloak("a-keycloak-id");
		return user;
	}

	private static void assertUnavailableWithin(Duration limit, Runnable call) {
		long started = System.nanoTime();
		ProblemException problem = catchThrowableOfType(ProblemException.class, call::run);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(limit);
		assertThat(problem).as("a 503 problem").isNotNull();
		assertThat(problem.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(problem.getHeaders().getFirst("Retry-After")).isEqualTo("9");
	}

	@Test
	void aClosedPortIs503ForEveryOperation() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = socket.getLocalPort();
		}
		KeycloakIdentityProvider provider = providerAt(closed);
		try {
			assertUnavailableWithin(Duration.ofSeconds(5), () -> provider.verify(keycloakUser(), "a-password"));
			assertUnavailableWithin(Duration.ofSeconds(5), () -> provider.verify(null, "a-password"));
			assertUnavailableWithin(Duration.ofSeconds(5),
					() -> provider.provision(new User("new@example.com", "New", null), "a-password"));
			assertUnavailableWithin(Duration.ofSeconds(5),
					() -> provider.changePassword(keycloakUser(), "another-password"));
		}
		finally {
			provider.destroy();
		}
	}

	@Test
	void aKeycloakThatNeverAnswersTimesOutAs503() throws IOException {
		// accepted by the kernel, never read: the read timeout has to end the wait
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			KeycloakIdentityProvider provider = providerAt(silent.getLocalPort());
			try {
				assertUnavailableWithin(Duration.ofSeconds(8), () -> provider.verify(keycloakUser(), "a-password"));
			}
			finally {
				provider.destroy();
			}
		}
	}

	@Test
	void keycloakWithoutItsSettingsStopsTheService() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new KeycloakIdentityProvider(new KeycloakProperties(null, null, null, null, null, "admin",
					"admin", null, null, null, null, null, null), new Passwords()))
			.withMessageContaining("CREWSHIP_KEYCLOAK_URL");
		assertThatIllegalStateException()
			.isThrownBy(() -> new KeycloakIdentityProvider(new KeycloakProperties("http://127.0.0.1:1", null, null,
					null, null, null, null, null, null, null, null, null, null), new Passwords()))
			.withMessageContaining("CREWSHIP_KEYCLOAK_ADMIN_USER");
	}

}
