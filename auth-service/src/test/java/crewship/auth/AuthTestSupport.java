package crewship.auth;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import crewship.auth.users.Passwords;
import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.ids.Cuid;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;

/**
 * Users made directly in the database, so each test class starts from its own accounts.
 */
@ServiceTest
@TestPropertySource(properties = { "crewship.auth.public-url=https://crewship.example",
		"crewship.auth.allowed-origins=https://app.crewship.example" })
abstract class AuthTestSupport {

	static final String PASSWORD = "correct-horse-battery";

	@LocalServerPort
	int port;

	@Autowired
	UserRepository users;

	@Autowired
	Passwords passwords;

	TestHttp http;

	@BeforeEach
	void setUpHttp() {
		// every 2xx body is checked against the reference schema: clients break on shapes
		this.http = new TestHttp("http://localhost:" + this.port).validating();
	}

	User newUser() {
		String email = "user-" + Cuid.next() + "@example.com";
		return this.users.saveAndFlush(new User(email, "Test User", this.passwords.hash(PASSWORD)));
	}

}
