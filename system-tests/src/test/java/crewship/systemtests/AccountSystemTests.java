package crewship.systemtests;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import crewship.systemtests.Client.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser and admin account flows end to end through the gateway: token refresh with
 * reuse detection, and a provisioned member setting their password and signing in.
 */
class AccountSystemTests {

	static String gateway;

	@BeforeAll
	static void startSuite() {
		gateway = RunningSuite.get().gatewayUrl();
	}

	static String cookie(Response response, String name) {
		List<String> cookies = response.raw().headers().allValues("set-cookie");
		return cookies.stream()
			.filter(cookie -> cookie.startsWith(name + "="))
			.map(cookie -> cookie.substring(name.length() + 1, cookie.indexOf(';')))
			.findFirst()
			.orElse(null);
	}

	static Response refresh(String refreshToken) {
		return Client.post(gateway + "/api/auth/token/refresh", null, "Cookie", "refresh-token=" + refreshToken,
				"Origin", gateway);
	}

	@Test
	void aBrowserRefreshesThroughTheGatewayAndAReplayEndsTheSession() {
		IdentitySystemTests.SignedIn user = IdentitySystemTests.signUpAndIn();
		Response signIn = Client.post(gateway + "/api/auth/callback/credentials",
				"{\"email\":\"" + user.email() + "\",\"password\":\"" + IdentitySystemTests.PASSWORD + "\"}");
		String first = cookie(signIn, "refresh-token");
		String session = cookie(signIn, "authjs.session-token");
		assertThat(first).isNotBlank();

		Response refreshed = refresh(first);
		assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
		String renewed = cookie(refreshed, "authjs.session-token");
		assertThat(Client.get(gateway + "/api/v1/auth/sessions", "Cookie", "authjs.session-token=" + renewed).status())
			.isEqualTo(200);

		assertThat(refresh(first).status()).as("replay").isEqualTo(401);
		// the session is revoked server-side: the gateway stops honouring it within its 5
		// s cache
		long deadline = System.nanoTime() + 10_000_000_000L;
		int status = 200;
		while (status == 200 && System.nanoTime() < deadline) {
			status = Client.get(gateway + "/api/v1/auth/sessions", "Cookie", "authjs.session-token=" + session)
				.status();
			if (status == 200) {
				sleep();
			}
		}
		assertThat(status).isEqualTo(401);
	}

	@Test
	void aProvisionedMemberSetsTheirPasswordAndSignsIn() {
		IdentitySystemTests.SignedIn owner = IdentitySystemTests.signUpAndIn();
		Response workspaces = Client.get(gateway + "/api/v1/workspaces", "Cookie", owner.cookieHeader());
		String workspaceId = workspaces.json().get(0).get("id").asString();
		String email = "hire-" + UUID.randomUUID() + "@example.com";
		Response provisioned = Client.post(gateway + "/api/v1/workspaces/" + workspaceId + "/members/provision",
				"{\"email\":\"" + email + "\",\"role\":\"MEMBER\"}", "Cookie", owner.cookieHeader(), "Origin", gateway);
		assertThat(provisioned.status()).as(provisioned.body()).isEqualTo(201);
		String url = provisioned.json().get("setup_url").asString();
		assertThat(url).startsWith("https://crewship.test/reset-password?token=");

		Response reset = Client.post(gateway + "/api/v1/auth/reset", "{\"token\":\""
				+ url.substring(url.indexOf("token=") + 6) + "\",\"new_password\":\"chosen-by-the-hire\"}");
		assertThat(reset.status()).as(reset.body()).isEqualTo(200);
		Response signIn = Client.post(gateway + "/api/auth/callback/credentials",
				"{\"email\":\"" + email + "\",\"password\":\"chosen-by-the-hire\"}");
		assertThat(signIn.status()).isEqualTo(200);
		Response workspace = Client.get(gateway + "/api/v1/workspaces/" + workspaceId, "Cookie",
				"authjs.session-token=" + cookie(signIn, "authjs.session-token"));
		assertThat(workspace.status()).isEqualTo(200);
		assertThat(workspace.json().get("currentUserRole").asString()).isEqualTo("MEMBER");
	}

	private static void sleep() {
		try {
			Thread.sleep(250);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
