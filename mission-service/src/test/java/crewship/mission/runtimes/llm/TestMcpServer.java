package crewship.mission.runtimes.llm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
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
 * A real MCP server for mission-service's tests, the official MCP Java SDK's server side
 * (Streamable HTTP at {@code /mcp}) on an embedded Tomcat of its own, behind a bearer
 * token as a server with a credential is. Its tools: {@code add} (a + b), {@code wipe}
 * (which tests disable: it must never be called) and {@code slow} (answers after 8 s,
 * past the tests' call timeout). It remembers every call it received, with its arguments.
 */
final class TestMcpServer {

	static final String TOKEN = "mcp-bearer-test-token-0042";

	/** A call as the server received it. */
	record Received(String tool, Map<String, Object> arguments) {
	}

	private static TestMcpServer shared;

	final List<Received> calls = new CopyOnWriteArrayList<>();

	/** Requests refused for a missing or wrong token. */
	final List<String> refused = new CopyOnWriteArrayList<>();

	private final Tomcat tomcat;

	private TestMcpServer(Tomcat tomcat) {
		this.tomcat = tomcat;
	}

	static synchronized TestMcpServer shared() {
		if (shared == null) {
			shared = start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					shared.tomcat.stop();
				}
				catch (LifecycleException ex) {
					// stopping anyway
				}
			}, "test-mcp-stop"));
		}
		return shared;
	}

	String url() {
		return "http://127.0.0.1:" + this.tomcat.getConnector().getLocalPort() + "/mcp";
	}

	/** The calls of one tool whose argument {@code a} is this value. */
	List<Received> calls(String tool, int a) {
		return this.calls.stream()
			.filter(call -> call.tool().equals(tool))
			.filter(call -> call.arguments().get("a") instanceof Number number && number.intValue() == a)
			.toList();
	}

	private static TestMcpServer start() {
		try {
			File baseDir = Files.createTempDirectory("mission-mcp-tomcat").toFile();
			Tomcat tomcat = new Tomcat();
			tomcat.setBaseDir(baseDir.getAbsolutePath());
			tomcat.setPort(0);
			tomcat.getConnector().setProperty("address", "127.0.0.1");
			TestMcpServer test = new TestMcpServer(tomcat);
			Map<String, Object> numbers = Map.of("type", "object", "properties",
					Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")), "required", List.of("a"));
			List<McpServerFeatures.SyncToolSpecification> tools = List
				.of(tool(test, "add", "Adds two numbers", numbers, arguments -> {
					double sum = ((Number) arguments.get("a")).doubleValue()
							+ ((Number) arguments.getOrDefault("b", 0)).doubleValue();
					return String.valueOf((long) sum);
				}), tool(test, "wipe", "Deletes everything", numbers, arguments -> "wiped"),
						tool(test, "slow", "Takes its time", numbers, arguments -> {
							try {
								Thread.sleep(8000);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
							return "late";
						}));
			HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider
				.builder()
				.jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
				.mcpEndpoint("/mcp")
				.build();
			McpSyncServer server = McpServer.sync(transport)
				.serverInfo("mission-test-mcp", "1.0.0")
				.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
				.tools(tools)
				.build();
			Context context = tomcat.addContext("", baseDir.getAbsolutePath());
			Tomcat.addServlet(context, "mcp", test.guard(transport)).setAsyncSupported(true);
			context.addServletMappingDecoded("/mcp", "mcp");
			tomcat.start();
			return test;
		}
		catch (IOException | LifecycleException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static McpServerFeatures.SyncToolSpecification tool(TestMcpServer test, String name, String description,
			Map<String, Object> schema, java.util.function.Function<Map<String, Object>, String> answer) {
		return McpServerFeatures.SyncToolSpecification.builder()
			.tool(McpSchema.Tool.builder(name).description(description).inputSchema(schema).build())
			.callHandler((exchange, request) -> {
				test.calls.add(new Received(name, request.arguments()));
				return McpSchema.CallToolResult.builder()
					.content(List.of(new McpSchema.TextContent(answer.apply(request.arguments()))))
					.build();
			})
			.build();
	}

	private HttpServlet guard(HttpServlet delegate) {
		return new HttpServlet() {
			@Override
			public void init() throws ServletException {
				delegate.init(getServletConfig());
			}

			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response)
					throws ServletException, IOException {
				if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
					TestMcpServer.this.refused.add(String.valueOf(request.getHeader("Authorization")));
					response.setStatus(401);
					response.setHeader("WWW-Authenticate", "Bearer");
					return;
				}
				delegate.service(request, response);
			}
		};
	}

}
