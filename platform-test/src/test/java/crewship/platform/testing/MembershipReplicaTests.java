package crewship.platform.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.DomainEvents;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

import static crewship.platform.testing.ProblemDetailsTests.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Roles come from the replica fed by crewship.memberships.v1, and RBAC answers from them.
 */
@ServiceTest
class MembershipReplicaTests {

	@LocalServerPort
	int port;

	@Autowired
	DomainEvents events;

	@Autowired
	MembershipReplica replica;

	@Autowired
	WorkspaceAccess access;

	@Autowired
	PlatformTransactionManager transactionManager;

	private void publish(Membership membership) {
		new TransactionTemplate(this.transactionManager)
			.executeWithoutResult(status -> this.events.publishTo(Topics.MEMBERSHIPS,
					Membership.key(membership.workspaceId(), membership.userId()), Membership.CHANGED,
					membership.workspaceId(), membership.userId(), "auth", membership));
	}

	private WorkspaceRole awaitRole(String workspace, String user, WorkspaceRole expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		WorkspaceRole role = null;
		while (System.nanoTime() < deadline) {
			role = this.replica.find(workspace, user).map(Membership::role).orElse(null);
			if (role == expected) {
				return role;
			}
			Thread.sleep(100);
		}
		return role;
	}

	@Test
	void membershipEventsReachTheReplicaAndStaleOnesAreIgnored() throws InterruptedException {
		String workspace = Cuid.next();
		String user = Cuid.next();
		publish(new Membership(workspace, user, WorkspaceRole.MANAGER, 1));
		assertThat(awaitRole(workspace, user, WorkspaceRole.MANAGER)).isEqualTo(WorkspaceRole.MANAGER);
		publish(new Membership(workspace, user, WorkspaceRole.VIEWER, 3));
		assertThat(awaitRole(workspace, user, WorkspaceRole.VIEWER)).isEqualTo(WorkspaceRole.VIEWER);
		// a late, older event must not win
		assertThat(this.replica.apply(new Membership(workspace, user, WorkspaceRole.OWNER, 2))).isFalse();
		assertThat(this.replica.find(workspace, user).orElseThrow().role()).isEqualTo(WorkspaceRole.VIEWER);
	}

	@Test
	void rbacAnswersFromTheReplica() throws InterruptedException {
		String workspace = Cuid.next();
		String viewer = Cuid.next();
		String removed = Cuid.next();
		publish(new Membership(workspace, viewer, WorkspaceRole.VIEWER, 1));
		publish(new Membership(workspace, removed, WorkspaceRole.ADMIN, 1));
		publish(new Membership(workspace, removed, null, 2));
		awaitRole(workspace, viewer, WorkspaceRole.VIEWER);
		awaitRole(workspace, removed, null);
		Thread.sleep(Duration.ofMillis(300));
		TestHttp http = new TestHttp("http://localhost:" + this.port);
		String widgets = "/api/v1/workspaces/" + workspace + "/widgets";

		var asViewer = http.withHeader("X-Crewship-Identity", TestIdentities.user(viewer));
		assertThat(asViewer.get(widgets).status()).isEqualTo(200);
		assertProblem(asViewer.postJson(widgets, "{\"name\":\"Alpha\",\"slug\":\"alpha\"}"), 403, widgets);

		var asRemoved = http.withHeader("X-Crewship-Identity", TestIdentities.user(removed));
		assertProblem(asRemoved.get(widgets), 404, widgets);

		var anonymous = http.withHeader("X-Crewship-Identity", TestIdentities.anonymous());
		assertProblem(anonymous.get(widgets), 401, widgets);
	}

	@Test
	void capabilitiesTravelWithTheRecordAndAStaleRecordCannotRestoreThem() throws InterruptedException {
		String workspace = Cuid.next();
		String user = Cuid.next();
		publish(new Membership(workspace, user, WorkspaceRole.MEMBER, 1, List.of("credential.rotate", "chat")));
		awaitRole(workspace, user, WorkspaceRole.MEMBER);
		Membership stored = this.replica.find(workspace, user).orElseThrow();
		assertThat(stored.capabilities()).containsExactly("chat", "credential.rotate");
		assertThat(stored.hasCapability("credential.rotate")).isTrue();

		// revoked at version 2; the older grant replayed afterwards must not win
		assertThat(this.replica.apply(new Membership(workspace, user, WorkspaceRole.MEMBER, 2, List.of("chat"))))
			.isTrue();
		assertThat(this.replica
			.apply(new Membership(workspace, user, WorkspaceRole.MEMBER, 1, List.of("chat", "credential.rotate"))))
			.isFalse();
		assertThat(this.replica.find(workspace, user).orElseThrow().hasCapability("credential.rotate")).isFalse();
	}

	@Test
	void theLayeredGateAcceptsTheRoleOrTheCapability() {
		String workspace = Cuid.next();
		String holder = Cuid.next();
		String plain = Cuid.next();
		this.replica.apply(new Membership(workspace, holder, WorkspaceRole.MEMBER, 1, List.of("chat", "x.do")));
		this.replica.apply(new Membership(workspace, plain, WorkspaceRole.MEMBER, 1, List.of("chat")));
		IdentityAssertion asHolder = new IdentityAssertion(holder, AuthMethod.SESSION, "s", null);
		IdentityAssertion asPlain = new IdentityAssertion(plain, AuthMethod.SESSION, "s", null);
		assertThat(this.access.requireMembership(asHolder, workspace, Action.MANAGE, "x.do").role())
			.isEqualTo(WorkspaceRole.MEMBER);
		assertThatThrownBy(() -> this.access.requireMembership(asPlain, workspace, Action.MANAGE, "x.do"))
			.isInstanceOfSatisfying(ProblemException.class,
					ex -> assertThat(ex.getStatusCode().value()).isEqualTo(403));
		assertThatThrownBy(() -> this.access.require(asHolder, workspace, Action.MANAGE))
			.as("the capability widens only where asked for")
			.isInstanceOfSatisfying(ProblemException.class,
					ex -> assertThat(ex.getStatusCode().value()).isEqualTo(403));
	}

}
