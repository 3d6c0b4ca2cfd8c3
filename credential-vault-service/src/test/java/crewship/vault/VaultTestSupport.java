package crewship.vault;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.testing.ServiceTest;
import crewship.platform.testing.TestHttp;
import crewship.platform.testing.TestHttp.Response;
import crewship.platform.testing.TestIdentities;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh workspace in the membership replica with an OWNER, and helpers to act in it as
 * members with any role and any authentication method.
 */
@ServiceTest
public abstract class VaultTestSupport {

	@LocalServerPort
	protected int port;

	@Autowired
	protected JdbcTemplate jdbc;

	@Autowired
	protected MembershipReplica replica;

	protected TestHttp http;

	protected String workspaceId;

	protected String owner;

	@BeforeEach
	void createWorkspace() {
		// every 2xx body is checked against the reference schema: clients break on shapes
		this.http = new TestHttp("http://localhost:" + this.port).validating();
		this.workspaceId = Cuid.next();
		this.owner = member(WorkspaceRole.OWNER);
	}

	/** Membership versions, as auth-service's sequence hands them out: ever growing. */
	private static final AtomicLong VERSIONS = new AtomicLong();

	/** A new user with the role (and the capabilities) in the workspace. */
	protected String member(WorkspaceRole role, String... capabilities) {
		String userId = Cuid.next();
		replicate(userId, role, capabilities);
		return userId;
	}

	/**
	 * What a newer membership record from auth-service does to the replica: the member
	 * now holds exactly these capabilities.
	 */
	protected void replicate(String userId, WorkspaceRole role, String... capabilities) {
		assertThat(this.replica
			.apply(new Membership(this.workspaceId, userId, role, VERSIONS.incrementAndGet(), List.of(capabilities))))
			.isTrue();
	}

	/**
	 * A user auth-service reports as no member (a removed membership in the replica), so
	 * the answer is the 404 of a workspace they cannot see.
	 */
	protected String stranger() {
		String userId = Cuid.next();
		this.replica.apply(new Membership(this.workspaceId, userId, null, VERSIONS.incrementAndGet()));
		return userId;
	}

	/** The user on an interactive session, in the test workspace. */
	protected TestHttp as(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.user(userId))
			.withHeader("X-Workspace-ID", this.workspaceId);
	}

	/** The user with a CLI token, in the test workspace. */
	protected TestHttp asCli(String userId) {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.cli(userId, "tok-" + userId))
			.withHeader("X-Workspace-ID", this.workspaceId);
	}

	protected TestHttp internal() {
		return this.http.withHeader(IdentityAssertion.HEADER, TestIdentities.internal());
	}

	/** Creates a credential as the OWNER and returns its id. */
	protected String createCredential(String name, String value) {
		Response created = as(this.owner).postJson("/api/v1/credentials",
				"{\"name\":\"" + name + "\",\"type\":\"API_KEY\",\"provider\":\"OPENAI\",\"value\":\"" + value + "\"}");
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json().get("id").asString();
	}

	protected Response send(TestHttp as, String method, String path, String json) {
		return as.send(method, path, (json != null) ? "application/json" : null, json);
	}

}
