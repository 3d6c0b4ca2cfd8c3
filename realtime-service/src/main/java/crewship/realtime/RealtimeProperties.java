package crewship.realtime;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The knobs of {@code /ws}; defaults are the WebSocket page's numbers.
 *
 * @param env {@code production} makes the {@code Origin} check exact (no localhost
 * exception), as {@code CREWSHIP_ENV=production} does on the page
 * @param maxFrameBytes inbound frames above this close the connection (64 KiB)
 * @param sendBuffer outbound frames queued per client before new ones are dropped (64)
 * @param pingInterval how often the server pings each client (30 s)
 * @param authTimeout how long a connection may stay unauthenticated
 * @param sessionRecheck how often a connection's session is checked again for revocation
 * @param authJwksUri auth-service's public keys (through the gateway's internal listener)
 * @param ownerLookupTimeout how long a subscribe waits for the owning service to say
 * which workspace an entity channel belongs to (then: a retryable error frame)
 */
@ConfigurationProperties("crewship.realtime")
public record RealtimeProperties(String env, Integer maxFrameBytes, Integer sendBuffer, Duration pingInterval,
		Duration authTimeout, Duration sessionRecheck, URI authJwksUri, Duration ownerLookupTimeout) {

	public RealtimeProperties {
		env = (env != null) ? env : "development";
		maxFrameBytes = (maxFrameBytes != null) ? maxFrameBytes : 64 * 1024;
		sendBuffer = (sendBuffer != null) ? sendBuffer : 64;
		pingInterval = (pingInterval != null) ? pingInterval : Duration.ofSeconds(30);
		authTimeout = (authTimeout != null) ? authTimeout : Duration.ofSeconds(10);
		sessionRecheck = (sessionRecheck != null) ? sessionRecheck : Duration.ofSeconds(5);
		ownerLookupTimeout = (ownerLookupTimeout != null) ? ownerLookupTimeout : Duration.ofSeconds(2);
	}

	public boolean production() {
		return "production".equalsIgnoreCase(this.env);
	}

}
