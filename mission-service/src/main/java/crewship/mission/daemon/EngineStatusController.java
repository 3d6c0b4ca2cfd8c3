package crewship.mission.daemon;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.engine.EngineProperties;
import crewship.mission.engine.RunEngine;
import crewship.mission.engine.RunEngines;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Timestamps;
import crewship.platform.internal.InternalCallers;

/**
 * {@code GET /api/v1/internal/engine}: the run engine across replicas, for the gateway's
 * {@code /api/v1/crewshipd} — which replicas beat recently, this one's uptime, the queue
 * (PENDING runs), the runs in flight, and each runtime's health judged by how its runs of
 * the last 15 minutes ended.
 */
@RestController
class EngineStatusController {

	static final Duration RUNTIME_WINDOW = Duration.ofMinutes(15);

	private final JdbcTemplate jdbc;

	private final RunEngines engines;

	private final EngineProperties properties;

	private final String version;

	EngineStatusController(JdbcTemplate jdbc, RunEngines engines, EngineProperties properties,
			ObjectProvider<BuildProperties> build) {
		this.jdbc = jdbc;
		this.engines = engines;
		this.properties = properties;
		BuildProperties info = build.getIfAvailable();
		this.version = (info != null) ? info.getVersion() : null;
	}

	@GetMapping("/api/v1/internal/engine")
	@Transactional(readOnly = true)
	Map<String, Object> engine(IdentityAssertion caller) {
		InternalCallers.require(caller);
		RunEngine local = this.engines.local();
		long staleAfterMillis = this.properties.heartbeatInterval().multipliedBy(3).toMillis();
		List<Map<String, Object>> replicas = this.jdbc.query("""
				select replica_id, host, started_at, heartbeat_at, in_flight,
				       heartbeat_at > now() - (? * interval '1 millisecond') as up
				  from engine_replica order by started_at limit 100
				""", (rs, n) -> {
			Map<String, Object> replica = new LinkedHashMap<>();
			replica.put("replica_id", rs.getString(1));
			replica.put("host", rs.getString(2));
			replica.put("started_at", rs.getTimestamp(3).toInstant().toString());
			replica.put("heartbeat_at", rs.getTimestamp(4).toInstant().toString());
			replica.put("in_flight", rs.getInt(5));
			replica.put("up", rs.getBoolean(6));
			return replica;
		}, staleAfterMillis);
		Map<String, Object> queue = this.jdbc.queryForObject("""
				select count(*) filter (where status = 'PENDING'), count(*) filter (where status = 'RUNNING'),
				       extract(epoch from (now() - min(created_at) filter (where status = 'PENDING'))) * 1000
				  from run where status in ('PENDING', 'RUNNING')
				""", (rs, n) -> {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("pending", rs.getLong(1));
			row.put("running", rs.getLong(2));
			double oldest = rs.getDouble(3);
			row.put("oldest_pending_ms", rs.wasNull() ? null : Math.round(oldest));
			return row;
		});
		List<Map<String, Object>> runtimes = this.jdbc.query("""
				select coalesce(runtime, 'unknown'), count(*), count(*) filter (where status = 'FAILED'),
				       max(finished_at)
				  from run where finished_at > ? group by 1 order by 1
				""", (rs, n) -> {
			Map<String, Object> runtime = new LinkedHashMap<>();
			long total = rs.getLong(2);
			long failed = rs.getLong(3);
			runtime.put("name", rs.getString(1));
			runtime.put("runs", total);
			runtime.put("failed", failed);
			runtime.put("healthy", failed * 2 <= total);
			runtime.put("last_finished_at", rs.getTimestamp(4).toInstant().toString());
			return runtime;
		}, java.sql.Timestamp.from(Timestamps.now().minus(RUNTIME_WINDOW)));
		Map<String, Object> answer = new LinkedHashMap<>();
		long up = replicas.stream().filter(replica -> Boolean.TRUE.equals(replica.get("up"))).count();
		answer.put("status", (local.isRunning() && up > 0) ? "running" : (up > 0) ? "degraded" : "stopped");
		if (this.version != null) {
			answer.put("version", this.version);
		}
		answer.put("replica_id", local.replicaId());
		answer.put("started_at", (local.startedAt() != null) ? local.startedAt().toString() : null);
		answer.put("uptime_seconds",
				(local.startedAt() != null) ? Duration.between(local.startedAt(), Timestamps.now()).toSeconds() : 0);
		answer.put("replicas_up", up);
		answer.put("replicas", replicas);
		answer.put("queue_depth", queue.get("pending"));
		answer.put("oldest_pending_ms", queue.get("oldest_pending_ms"));
		answer.put("runs_in_flight", queue.get("running"));
		answer.put("local_in_flight", local.inFlight());
		answer.put("runtime", this.engines.runtime().getClass().getSimpleName());
		answer.put("runtimes", runtimes);
		return answer;
	}

}
