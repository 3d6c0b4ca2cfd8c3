package crewship.crew.integrations;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

import tools.jackson.databind.json.JsonMapper;

/**
 * A real MCP server for tests, built with the official MCP Java SDK's server side on an
 * embedded Tomcat of its own: Streamable HTTP at {@code /mcp} and the older HTTP+SSE
 * transport at {@code /sse}, serving the tools it was given. With a required token it
 * answers 401 to any request without {@code Authorization: Bearer <token>}, as a server
 * behind OAuth does. It remembers the headers it saw.
 */
public final class TestMcpServer implements AutoCloseable {

	private final Tomcat tomcat;

	private final List<McpSyncServer> servers = new ArrayList<>();

	private final File baseDir;

	/** The {@code Authorization} header of every request, as received. */
	public final List<String> authorizations = new CopyOnWriteArrayList<>();

	private TestMcpServer(Tomcat tomcat, File baseDir) {
		this.tomcat = tomcat;
		this.baseDir = baseDir;
	}

	/**
	 * @param requiredToken the bearer token every request must carry, or null
	 * @param tools tool name → description
	 */
	public static TestMcpServer start(String requiredToken, Map<String, String> tools) {
		try {
			File baseDir = Files.createTempDirectory("test-mcp-tomcat").toFile();
			Tomcat tomcat = new Tomcat();
			tomcat.setBaseDir(baseDir.getAbsolutePath());
			tomcat.setPort(0);
			tomcat.getConnector().setProperty("address", "127.0.0.1");
			TestMcpServer test = new TestMcpServer(tomcat, baseDir);
			JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(JsonMapper.builder().build());
			List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
			tools.forEach((name, description) -> specs.add(McpServerFeatures.SyncToolSpecification.builder()
				.tool(McpSchema.Tool.builder(name)
					.description(description)
					.inputSchema(Map.of("type", "object", "properties", Map.of("query", Map.of("type", "string"))))
					.build())
				.callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
					.content(List.of(new McpSchema.TextContent("ok")))
					.build())
				.build()));

			HttpServletStreamableServerTransportProvider streamable = HttpServletStreamableServerTransportProvider
				.builder()
				.jsonMapper(json)
				.mcpEndpoint("/mcp")
				.build();
			test.servers.add(McpServer.sync(streamable)
				.serverInfo("test-mcp", "1.2.3")
				.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
				.tools(specs)
				.build());
			HttpServletSseServerTransportProvider sse = HttpServletSseServerTransportProvider.builder()
				.jsonMapper(json)
				.sseEndpoint("/sse")
				.messageEndpoint("/message")
				.build();
			test.servers.add(McpServer.sync(sse)
				.serverInfo("test-mcp-sse", "0.9.0")
				.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
				.tools(specs)
				.build());

			Context context = tomcat.addContext("", baseDir.getAbsolutePath());
			Tomcat.addServlet(context, "mcp", test.guard(streamable, requiredToken)).setAsyncSupported(true);
			context.addServletMappingDecoded("/mcp", "mcp");
			Tomcat.addServlet(context, "sse", test.guard(sse, requiredToken)).setAsyncSupported(true);
			context.addServletMappingDecoded("/sse", "sse");
			context.addServletMappingDecoded("/message", "sse");
			tomcat.start();
			return test;
		}
		catch (IOException | LifecycleException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpServlet guard(HttpServlet delegate, String requiredToken) {
		return new HttpServlet() {
			@Override
			public void init() throws ServletException {
				delegate.init(getServletConfig());
			}

			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response)
					throws ServletException, IOException {
				String authorization = request.getHeader("Authorization");
				TestMcpServer.this.authorizations.add(String.valueOf(authorization));
				if (requiredToken != null && !("Bearer " + requiredToken).equals(authorization)) {
					response.setStatus(401);
					response.setHeader("WWW-Authenticate", "Bearer");
					return;
				}
				delegate.service(request, response);
			}
		};
	}

	public int port() {
		return this.tomcat.getConnector().getLocalPort();
	}

	/** The Streamable HTTP endpoint. */
	public String url() {
		return "http://127.0.0.1:" + port() + "/mcp";
	}

	/** The HTTP+SSE endpoint. */
	public String sseUrl() {
		return "http://127.0.0.1:" + port() + "/sse";
	}

	public List<String> authorizations() {
		return Collections.unmodifiableList(this.authorizations);
	}

	@Override
	public void close() {
		this.servers.forEach(server -> {
			try {
				server.closeGracefully();
			}
			catch (RuntimeException ex) {
				// stopping anyway
			}
		});
		try {
			this.tomcat.stop();
			this.tomcat.destroy();
		}
		catch (LifecycleException ex) {
			// stopping anyway
		}
		this.baseDir.delete();
	}

}
