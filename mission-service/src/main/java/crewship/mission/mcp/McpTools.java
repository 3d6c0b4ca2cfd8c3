package crewship.mission.mcp;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

	private static final Logger log = LoggerFactory.getLogger(McpTools.class);

	private final AgentServers servers;

	private final ToolCallAudit audit;

	private final McpProperties properties;

	private final EndpointFence fence;

	private final SharedHttpClient http;

	McpTools(@Qualifier("internalRestClient") RestClient internal, ToolCallAudit audit, McpProperties properties) {
		this.servers = new AgentServers(internal);
		this.audit = audit;
		this.properties = properties;
		this.fence = new EndpointFence(properties.allowPrivateEndpoints());
		this.http = new SharedHttpClient(properties.connectTimeout());
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
		catch (RuntimeException ex) {
			return unexpected(request, output, ex);
		}
		if (found.isEmpty()) {
			return RunTools.NONE;
		}
		RunToolbox toolbox = new RunToolbox(request, output, this.servers, this.audit, this.properties, this.fence,
				this.http);
		try {
			toolbox.connect(found);
		}
		catch (InterruptedException ex) {
			toolbox.close();
			throw ex;
		}
		catch (RuntimeException ex) {
			toolbox.close();
			return unexpected(request, output, ex);
		}
		return toolbox;
	}

	/**
	 * A defect or an answer of a shape nobody expected: the run goes on without tools.
	 */
	private static RunTools unexpected(RuntimeRequest request, RunOutput output, RuntimeException ex) {
		log.warn("Opening the MCP tools of run {} failed", request.runId(), ex);
		output.log("warn", "mcp.unavailable",
				"The agent's MCP tools are unavailable for this run (" + ex.getClass().getSimpleName() + ")");
		return RunTools.NONE;
	}

	@Override
	public int maxRounds() {
		return this.properties.maxToolRounds();
	}

}
