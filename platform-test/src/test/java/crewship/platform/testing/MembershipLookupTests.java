package crewship.platform.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.client.RestClient;

import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipLookup;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.ReplicatedRoles;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A membership the replica has not seen yet is asked of auth-service once
 * (read-your-writes), then answered from the replica. The stand-in answers auth-service's
 * internal contract as the gateway's internal listener would relay it.
 */
@ServiceTest
class MembershipLookupTests {

	@Autowired
	MembershipReplica replica;

	@Autowired
	RestClient.Builder restClients;

	@Autowired
	JdbcTemplate jdbc;

	HttpServer auth;

	final AtomicInteger lookups = new AtomicInteger();

	volatile int status = 200;

	volatile String answer;

	WorkspaceAccess access;

	@BeforeEach
	void startAuth() throws IOException {
		this.auth = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.auth.createContext("/api/v1/internal/memberships/", exchange -> {
			this.lookups.incrementAndGet();
			byte[] body = (this.answer != null) ? this.answer.getBytes(StandardCharsets.UTF_8) : new byte[0];
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.status, (body.length > 0) ? body.length : -1);
			if (body.length > 0) {
				exchange.getResponseBody().write(body);
			}
			exchange.close();
		});
		this.auth.start();
		RestClient client = this.restClients.clone()
			.baseUrl("http://127.0.0.1:" + this.auth.getAddress().getPort())
			.build();
		this.access = new WorkspaceAccess(new ReplicatedRoles(this.replica, new MembershipLookup(client)));
	}

	@AfterEach
	void stopAuth() {
		this.auth.stop(0);
	}

	@Test
	void missAsksAuthOnceThenTheReplicaAnswers() {
		String workspace = Cuid.next();
		String user = Cuid.next();
		this.answer = "{\"workspace_id\":\"" + workspace + "\",\"user_id\":\"" + user
				+ "\",\"role\":\"MANAGER\",\"version\":4}";
		IdentityAssertion caller = new IdentityAssertion(user, AuthMethod.SESSION, "s", null);
		assertThat(this.access.require(caller, workspace, Action.CREATE)).isEqualTo(WorkspaceRole.MANAGER);
		assertThat(this.access.require(caller, workspace, Action.READ)).isEqualTo(WorkspaceRole.MANAGER);
		assertThat(this.lookups).hasValue(1);
		assertThat(this.replica.find(workspace, user).orElseThrow().version()).isEqualTo(4);
		assertThatThrownBy(() -> this.access.require(caller, workspace, Action.MANAGE)).isInstanceOfSatisfying(
				ProblemException.class, ex -> assertThat(ex.getStatusCode().value()).isEqualTo(403));
	}

	@Test
	void unknownToAuthIsNotFound() {
		this.status = 404;
		this.answer = null;
		IdentityAssertion caller = new IdentityAssertion(Cuid.next(), AuthMethod.CLI, "t", null);
		assertThatThrownBy(() -> this.access.require(caller, Cuid.next(), Action.READ)).isInstanceOfSatisfying(
				ProblemException.class, ex -> assertThat(ex.getStatusCode().value()).isEqualTo(404));
	}

	@Test
	void authUnavailableIs503NotAGuess() {
		this.status = 500;
		this.answer = "{}";
		IdentityAssertion caller = new IdentityAssertion(Cuid.next(), AuthMethod.SESSION, "s", null);
		assertThatThrownBy(() -> this.access.require(caller, Cuid.next(), Action.READ)).isInstanceOfSatisfying(
				ProblemException.class, ex -> assertThat(ex.getStatusCode().value()).isEqualTo(503));
	}

	@Test
	void aMissKeepsTheCapabilitiesAuthAnswers() {
		String workspace = Cuid.next();
		String user = Cuid.next();
		this.answer = "{\"workspace_id\":\"" + workspace + "\",\"user_id\":\"" + user
				+ "\",\"role\":\"MEMBER\",\"version\":5,\"capabilities\":[\"credential.rotate\",\"chat\"]}";
		IdentityAssertion caller = new IdentityAssertion(user, AuthMethod.SESSION, "s", null);
		Membership membership = this.access.requireMembership(caller, workspace, Action.MANAGE, "credential.rotate");
		assertThat(membership.capabilities()).containsExactly("chat", "credential.rotate");
		assertThat(this.replica.find(workspace, user).orElseThrow().hasCapability("credential.rotate")).isTrue();
		assertThat(this.lookups).hasValue(1);
	}

	@Test
	void aRowFromBeforeCapabilitiesIsRefreshedOnceFromAuth() {
		String workspace = Cuid.next();
		String user = Cuid.next();
		// what platform V2 leaves for a row replicated before capabilities travelled
		this.jdbc.update("insert into platform_workspace_membership (workspace_id, user_id, role, version) "
				+ "values (?, ?, 'MEMBER', 3)", workspace, user);
		this.answer = "{\"workspace_id\":\"" + workspace + "\",\"user_id\":\"" + user
				+ "\",\"role\":\"MEMBER\",\"version\":3,\"capabilities\":[\"chat\",\"credential.create\"]}";
		IdentityAssertion caller = new IdentityAssertion(user, AuthMethod.SESSION, "s", null);
		assertThat(this.access.requireMembership(caller, workspace, Action.CREATE, "credential.create").role())
			.isEqualTo(WorkspaceRole.MEMBER);
		assertThat(this.access.requireMembership(caller, workspace, Action.CREATE, "credential.create").role())
			.isEqualTo(WorkspaceRole.MEMBER);
		assertThat(this.lookups).as("refreshed once, then the replica answers").hasValue(1);
	}

	@Test
	void aRowFromBeforeCapabilitiesKeepsItsRoleWhenAuthIsDown() {
		String workspace = Cuid.next();
		String user = Cuid.next();
		this.jdbc.update("insert into platform_workspace_membership (workspace_id, user_id, role, version) "
				+ "values (?, ?, 'MEMBER', 3)", workspace, user);
		this.status = 500;
		this.answer = "{}";
		IdentityAssertion caller = new IdentityAssertion(user, AuthMethod.SESSION, "s", null);
		assertThat(this.access.require(caller, workspace, Action.READ)).isEqualTo(WorkspaceRole.MEMBER);
		assertThatThrownBy(() -> this.access.requireMembership(caller, workspace, Action.CREATE, "credential.create"))
			.as("unknown capabilities grant nothing")
			.isInstanceOfSatisfying(ProblemException.class,
					ex -> assertThat(ex.getStatusCode().value()).isEqualTo(403));
	}

}
