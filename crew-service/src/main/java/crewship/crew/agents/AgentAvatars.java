package crewship.crew.agents;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.crew.workspace.Changes;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.ids.Timestamps;
import crewship.platform.images.SvgSanitizer;
import crewship.platform.web.ProblemException;

/**
 * An agent's stored avatar render: an SVG the browser drew from the agent's seed and
 * style, stored so that a generator upgrade cannot change a face the team knows. Accepted
 * only as {@link SvgSanitizer} allows (inert drawing parts, 64 KiB) and stored as it
 * re-serialised it. Write-once: storing over an existing render is a 409 (the page: an
 * automatic store on page view must not swap a teammate's portrait); clear it first.
 */
@Service
class AgentAvatars {

	private final JdbcTemplate jdbc;

	private final AgentService agents;

	private final AgentRepository repository;

	private final Changes changes;

	AgentAvatars(JdbcTemplate jdbc, AgentService agents, AgentRepository repository, Changes changes) {
		this.jdbc = jdbc;
		this.agents = agents;
		this.repository = repository;
		this.changes = changes;
	}

	@Transactional
	Map<String, Object> store(Scope scope, String agentId, String svg) {
		Agent agent = this.agents.find(scope, agentId);
		this.agents.requireEdit(scope, agent);
		String clean = SvgSanitizer.sanitize(svg, SvgSanitizer.DEFAULT_MAX_BYTES);
		String sha256 = sha256(clean);
		// the insert is the write-once lock: of two concurrent stores one wins
		int stored = this.jdbc.update("""
				insert into agent_avatar (agent_id, workspace_id, svg, sha256, created_at) values (?, ?, ?, ?, ?)
				on conflict (agent_id) do nothing
				""", agent.id, agent.workspaceId, clean, sha256, Timestamp.from(Timestamps.now()));
		if (stored == 0) {
			throw ProblemException.conflict("The agent already has a stored avatar: clear it first to replace it");
		}
		this.jdbc.update("update agent set avatar_sha256 = ? where id = ?", sha256, agent.id);
		agent.avatarSha256 = sha256;
		changed(scope, agent);
		return Map.of("avatar_url", agent.avatarUrl());
	}

	@Transactional(readOnly = true)
	String read(Scope scope, String agentId) {
		Agent agent = this.agents.find(scope, agentId);
		return this.jdbc.queryForList("select svg from agent_avatar where agent_id = ?", String.class, agent.id)
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("The agent has no stored avatar"));
	}

	@Transactional
	void clear(Scope scope, String agentId) {
		Agent agent = this.agents.find(scope, agentId);
		this.agents.requireEdit(scope, agent);
		if (this.repository.dropAvatar(agent.id) > 0) {
			agent.avatarSha256 = null;
			changed(scope, agent);
		}
	}

	/**
	 * {@code agent.updated} with the agent's usual summary (its pinned shape): open
	 * rosters refetch the agent and its new {@code avatar_url}.
	 */
	private void changed(Scope scope, Agent agent) {
		this.changes.record("agent.updated", scope.workspaceId(), "agent", agent.id, scope.userId(),
				this.agents.summary(agent));
	}

	private static String sha256(String svg) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(svg.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
