package crewship.mission.mcp;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How agents' runs reach their MCP servers ({@code crewship.mission.mcp}).
 *
 * @param allowPrivateEndpoints whether loopback, private and link-local addresses may be
 * dialled ({@code CREWSHIP_INTEGRATIONS_ALLOW_PRIVATE_ENDPOINTS}, the same switch as
 * crew-service's and the vault's; off: an endpoint typed into an integration must not
 * become a way into the suite's own network)
 * @param connectTimeout bound on connecting to a server
 * @param requestTimeout bound on the {@code initialize} and {@code tools/list} of a run's
 * start (all servers at once)
 * @param callTimeout bound on one {@code tools/call}; past it the call is recorded as
 * {@code timeout} and the model told so
 * @param maxToolRounds rounds of tool calls per run; past them the model must answer
 * without tools
 * @param maxTools tools offered to the model at most (providers limit them)
 * @param resultMaxChars what of a tool's result is handed to the model at most
 */
@ConfigurationProperties("crewship.mission.mcp")
public record McpProperties(@DefaultValue("false") boolean allowPrivateEndpoints,
		@DefaultValue("3s") Duration connectTimeout, @DefaultValue("8s") Duration requestTimeout,
		@DefaultValue("30s") Duration callTimeout, @DefaultValue("8") int maxToolRounds,
		@DefaultValue("128") int maxTools, @DefaultValue("16000") int resultMaxChars) {

}
