package crewship.crew.mcp;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How crew-service may reach MCP servers and other outside endpoints it is given
 * (connection tests, tool refresh, connector probes, OAuth discovery).
 *
 * @param allowPrivateEndpoints whether loopback, private, link-local and unique-local
 * addresses may be dialled ({@code CREWSHIP_INTEGRATIONS_ALLOW_PRIVATE_ENDPOINTS}, off: a
 * URL typed into an integration must not become a way into the suite's own network)
 * @param allowStdio whether {@code stdio} servers are really launched by a test, as a
 * child process of crew-service ({@code CREWSHIP_INTEGRATIONS_ALLOW_STDIO}, off: the
 * command is then only checked for shape, as the page describes). Only for instances
 * whose operators trust every OWNER/ADMIN with a shell on crew-service's host.
 * @param connectTimeout bound on connecting (3 s)
 * @param requestTimeout bound on each MCP request and on an outside call's answer (8 s)
 * @param stdioTimeout bound on a launched stdio server's whole handshake (15 s), after
 * which it is killed with its descendants
 * @param maxTools tools read from one server's {@code tools/list} at most (pages
 * followed)
 */
@ConfigurationProperties("crewship.integrations")
public record McpProperties(boolean allowPrivateEndpoints, boolean allowStdio, Duration connectTimeout,
		Duration requestTimeout, Duration stdioTimeout, Integer maxTools) {

	public McpProperties {
		connectTimeout = (connectTimeout != null) ? connectTimeout : Duration.ofSeconds(3);
		requestTimeout = (requestTimeout != null) ? requestTimeout : Duration.ofSeconds(8);
		stdioTimeout = (stdioTimeout != null) ? stdioTimeout : Duration.ofSeconds(15);
		maxTools = (maxTools != null && maxTools > 0) ? maxTools : 500;
	}

}
