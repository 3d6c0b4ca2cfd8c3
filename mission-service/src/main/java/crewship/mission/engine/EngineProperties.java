package crewship.mission.engine;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The run engine's settings ({@code crewship.mission.engine.*}).
 *
 * @param replicaId this replica's name in leases and the heartbeat table; blank → host
 * name and a random suffix
 * @param pollInterval how often an idle replica looks for work another replica submitted
 * (work submitted here wakes it at once)
 * @param leaseDuration how long a claim holds without renewal; a replica that dies loses
 * its runs to another after this
 * @param leaseRenewInterval how often a replica renews the leases of its runs
 * @param cancelPollInterval how often a replica looks for cancels of its runs
 * @param defaultTimeout a run's timeout when its agent sets none
 * @param maxInFlight runs one replica executes at once
 * @param maxPerWorkspace runs of one workspace executing at once, all replicas together
 * @param maxPerAgent runs of one agent executing at once, all replicas together
 * @param claimBatch most runs claimed in one transaction
 * @param logCoalesce streamed text is sent as {@code agent.log} frames at most this often
 * per run
 * @param heartbeatInterval how often a replica writes its heartbeat
 * @param logRetention how long agent log lines are kept
 * @param maxAttempts claims of one run before the engine gives up on it (a run whose
 * replicas keep dying, or whose end cannot be recorded)
 * @param maxDatabaseConcurrency runs of this replica using the database at once (start,
 * stored log lines, end); keep it below the connection pool's size so requests and
 * consumers always find a connection
 */
@ConfigurationProperties("crewship.mission.engine")
public record EngineProperties(@DefaultValue("") String replicaId, @DefaultValue("200ms") Duration pollInterval,
		@DefaultValue("30s") Duration leaseDuration, @DefaultValue("10s") Duration leaseRenewInterval,
		@DefaultValue("500ms") Duration cancelPollInterval, @DefaultValue("10m") Duration defaultTimeout,
		@DefaultValue("500") int maxInFlight, @DefaultValue("100") int maxPerWorkspace,
		@DefaultValue("10") int maxPerAgent, @DefaultValue("100") int claimBatch,
		@DefaultValue("100ms") Duration logCoalesce, @DefaultValue("5s") Duration heartbeatInterval,
		@DefaultValue("7d") Duration logRetention, @DefaultValue("3") int maxAttempts,
		@DefaultValue("true") boolean enabled, @DefaultValue("6") int maxDatabaseConcurrency) {

	/** The same settings for another replica (a second engine in one JVM, in tests). */
	public EngineProperties withReplicaId(String id) {
		return new EngineProperties(id, this.pollInterval, this.leaseDuration, this.leaseRenewInterval,
				this.cancelPollInterval, this.defaultTimeout, this.maxInFlight, this.maxPerWorkspace, this.maxPerAgent,
				this.claimBatch, this.logCoalesce, this.heartbeatInterval, this.logRetention, this.maxAttempts,
				this.enabled, this.maxDatabaseConcurrency);
	}

	/** The same settings with other caps (an engine sized for a load test). */
	public EngineProperties withCaps(int inFlight, int perWorkspace, int perAgent) {
		return new EngineProperties(this.replicaId, this.pollInterval, this.leaseDuration, this.leaseRenewInterval,
				this.cancelPollInterval, this.defaultTimeout, inFlight, perWorkspace, perAgent, this.claimBatch,
				this.logCoalesce, this.heartbeatInterval, this.logRetention, this.maxAttempts, this.enabled,
				this.maxDatabaseConcurrency);
	}

}
