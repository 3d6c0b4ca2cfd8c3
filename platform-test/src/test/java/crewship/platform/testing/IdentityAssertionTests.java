package crewship.platform.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;

import static crewship.platform.testing.ProblemDetailsTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** A service serves nothing to a request that did not come through the gateway. */
@ServiceTest
class IdentityAssertionTests {

	@LocalServerPort
	int port;

	TestHttp http;

	@BeforeEach
	void setUp() {
		this.http = new TestHttp("http://localhost:" + this.port);
	}

	@Test
	void missingAssertionIs401() {
		assertProblem(this.http.get("/api/v1/whoami"), 401, "/api/v1/whoami");
		// even an unknown path: the service reveals nothing to a caller that skipped the
		// gateway
		assertProblem(this.http.get("/api/v1/nothing-here"), 401, "/api/v1/nothing-here");
	}

	@Test
	void assertionSignedByAnotherKeyIs401() {
		String forged = TestIdentities.foreignSigner()
			.sign(new IdentityAssertion("user-1", AuthMethod.SESSION, "s1", null));
		assertProblem(this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, forged), 401, "/api/v1/whoami");
	}

	@Test
	void tamperedAssertionIs401() {
		String valid = TestIdentities.user("user-1");
		String[] parts = valid.split("\\.");
		String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
		assertProblem(this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, tampered), 401, "/api/v1/whoami");
		assertProblem(this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, "not-a-jwt"), 401, "/api/v1/whoami");
	}

	@Test
	void validAssertionReachesTheHandler() {
		Response response = this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.user("user-1"));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("method").asString()).isEqualTo("session");
		Response anonymous = this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.anonymous());
		assertThat(anonymous.json().get("authenticated").asBoolean()).isFalse();
	}

	@Test
	void probesNeedNoAssertion() {
		assertThat(this.http.get("/livez").status()).isEqualTo(200);
		Response ready = this.http.get("/readyz");
		assertThat(ready.status()).as(ready.body()).isEqualTo(200);
	}

}
