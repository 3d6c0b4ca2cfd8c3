package crewship.mission.mcp;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runtimes.llm.AgentTools;
import crewship.mission.toolcalls.ToolCallAudit;

/**
 * The agents' MCP tools for the llm runtime: per run, the agent's effective servers from
 * crew-service, their credentials from the vault, one connection per HTTP server
 * ({@code initialize} + {@code tools/list} through the official MCP Java SDK), and every
 * {@code tools/call} the model asks for recorded in the {@link ToolCallAudit}. A server
 * that cannot be reached leaves its tools out of the run (a {@code mcp.unavailable} log
 * line says which): a run never fails for want of a tool.
 */
@Component
@EnableConfigurationProperties(McpProperties.class)
public class McpTools implements AgentTools {

	private final AgentServers servers;

	private final ToolCallAudit audit;

	private final McpProperties properties;

	private final EndpointFence fence;

	McpTools(@Qualifier("internalRestClient") RestClient internal, ToolCallAudit audit, McpProperties properties) {
		this.servers = new AgentServers(internal);
		this.audit = audit;
		this.properties = properties;
		this.fence = new EndpointFence(properties.allowPrivateEndpoints());
	}

	@Override
	public RunTools open(RuntimeRequest request, RunOutput output) throws InterruptedException {
		List<AgentServers.Server> found;
		try {
			found = this.servers.servers(request.workspaceId(), request.agent().id());
		}
		catch (AgentServers.Unavailable ex) {
			output.log("warn", "mcp.unavailable",
					"The agent's MCP tools are unavailable for this run: " + ex.getMessage());
			return RunTools.NONE;
		}
		if (found.isEmpty()) {
			return RunTools.NONE;
		}
		RunToolbox toolbox = new RunToolbox(request, output, this.servers, this.audit, this.properties, this.fence);
		try {
			toolbox.connect(found);
		}
		catch (InterruptedException | RuntimeException ex) {
			toolbox.close();
			throw ex;
		}
		return toolbox;
	}

	@Override
	public int maxRounds() {
		return this.properties.maxToolRounds();
	}

}
