package crewship.mission.mcp;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import crewship.mission.engine.RunOutput;
import crewship.mission.engine.RuntimeRequest;
import crewship.mission.runtimes.llm.AgentTools;
import crewship.mission.runtimes.llm.ChatRequest;
import crewship.mission.toolcalls.ToolCall;
import crewship.mission.toolcalls.ToolCallAudit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One run's MCP connections and the tools they offer. A tool keeps its own name when no
 * other server of the agent has one like it (else {@code server__tool}), as providers
 * accept names ({@code [a-zA-Z0-9_-]{1,64}}). Each call is bounded by
 * {@link McpProperties#callTimeout()}, interrupted with the run, recorded once in the
 * audit and announced as a log line of the run naming the tool and how it ended — never
 * its arguments or result, which may hold anything.
 */
final class RunToolbox implements AgentTools.RunTools {

	private static final Logger log = LoggerFactory.getLogger(RunToolbox.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The MCP wire format (camelCase), not the API's snake_case mapper. */
	private static final JacksonMcpJsonMapper MCP_JSON = new JacksonMcpJsonMapper(JSON);

	private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("crewship", "Crewship",
			"0.1.0");

	private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

	private static final Pattern STATUS = Pattern.compile("[Ss]tatus code:? ?(\\d{3})");

	/** The server of a denied call the agent has no server for. */
	static final String UNKNOWN_SERVER = "unknown";

	private static final int ERROR_LIMIT = 300;

	private final RuntimeRequest request;

	private final RunOutput output;

	private final AgentServers servers;

	private final ToolCallAudit audit;

	private final McpProperties properties;

	private final EndpointFence fence;

	private final SharedHttpClient http;

	private final List<McpAsyncClient> clients = new ArrayList<>();

	/** By the name the model sees. */
	private final Map<String, Offered> offered = new LinkedHashMap<>();

	/** Tools the agent may not call, by their own and their prefixed names. */
	private final Map<String, AgentServers.Server> disabled = new HashMap<>();

	private record Offered(AgentServers.Server server, McpAsyncClient client, McpSchema.Tool tool) {
	}

	private record Connection(AgentServers.Server server, McpAsyncClient client,
			CompletableFuture<List<McpSchema.Tool>> listed) {
	}

	RunToolbox(RuntimeRequest request, RunOutput output, AgentServers servers, ToolCallAudit audit,
			McpProperties properties, EndpointFence fence, SharedHttpClient http) {
		this.request = request;
		this.output = output;
		this.servers = servers;
		this.audit = audit;
		this.properties = properties;
		this.fence = fence;
		this.http = http;
	}

	/** Connects to every usable server at once, bounded by the request timeout. */
	void connect(List<AgentServers.Server> found) throws InterruptedException {
		List<Connection> connections = new ArrayList<>();
		for (AgentServers.Server server : found) {
			server.disabledTools().forEach(name -> {
				this.disabled.put(name, server);
				this.disabled.put(prefixed(server, name), server);
			});
			Connection connection = start(server);
			if (connection != null) {
				connections.add(connection);
			}
		}
		long deadline = System.nanoTime() + this.properties.requestTimeout().toNanos();
		List<Offered> candidates = new ArrayList<>();
		for (Connection connection : connections) {
			try {
				List<McpSchema.Tool> tools = connection.listed()
					.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				for (McpSchema.Tool tool : tools) {
					if (!connection.server().disabledTools().contains(tool.name())) {
						candidates.add(new Offered(connection.server(), connection.client(), tool));
					}
				}
			}
			catch (TimeoutException ex) {
				connection.listed().cancel(true);
				unavailable(connection.server(),
						"no answer within " + this.properties.requestTimeout().toSeconds() + " s");
			}
			catch (ExecutionException ex) {
				unavailable(connection.server(), describe(ex.getCause()));
			}
			catch (InterruptedException ex) {
				connections.forEach(open -> open.listed().cancel(true));
				throw ex;
			}
		}
		name(candidates);
	}

	/** Starts the handshake with one server; null when it is not dialled at all. */
	private Connection start(AgentServers.Server server) throws InterruptedException {
		String transport = (server.transport() != null) ? server.transport() : "streamable-http";
		if (!"streamable-http".equals(transport) && !"sse".equals(transport)) {
			unavailable(server, "its " + transport + " transport runs only inside a crew's own runtime");
			return null;
		}
		URI uri;
		try {
			uri = URI.create(server.endpoint().trim());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			unavailable(server, "its endpoint is not a URL");
			return null;
		}
		String refusal = this.fence.refusal(uri).orElse(null);
		if (refusal != null) {
			unavailable(server, "refused: " + refusal);
			return null;
		}
		Map<String, String> headers = new LinkedHashMap<>(server.headers());
		try {
			headers.putAll(this.servers.credentialHeaders(this.request.workspaceId(), this.request.agent().id(),
					this.request.runId(), server));
		}
		catch (AgentServers.Unavailable ex) {
			unavailable(server, ex.getMessage());
			return null;
		}
		McpAsyncClient client = McpClient.async(transport(transport, uri, headers))
			.requestTimeout(this.properties.callTimeout().plusSeconds(1))
			.initializationTimeout(this.properties.requestTimeout())
			.clientInfo(CLIENT)
			.build();
		this.clients.add(client);
		CompletableFuture<List<McpSchema.Tool>> listed = client.initialize()
			.flatMap(initialized -> (initialized.capabilities() != null && initialized.capabilities().tools() == null)
					? Mono.just(List.<McpSchema.Tool>of()) : list(client, null, new ArrayList<>()))
			.toFuture();
		return new Connection(server, client, listed);
	}

	private McpClientTransport transport(String transport, URI uri, Map<String, String> headers) {
		String base = uri.getScheme() + "://" + uri.getRawAuthority();
		String path = ((uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath())
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		HttpClient.Builder client = this.http;
		if ("sse".equals(transport)) {
			return HttpClientSseClientTransport.builder(base)
				.sseEndpoint(path)
				.clientBuilder(client)
				.connectTimeout(this.properties.connectTimeout())
				.jsonMapper(MCP_JSON)
				.maxResponseSize(4 * 1024 * 1024)
				.httpRequestCustomizer((request, method, to, body, context) -> headers.forEach(request::setHeader))
				.build();
		}
		return HttpClientStreamableHttpTransport.builder(base)
			.endpoint(path)
			.clientBuilder(client)
			.connectTimeout(this.properties.connectTimeout())
			.jsonMapper(MCP_JSON)
			.maxResponseSize(4 * 1024 * 1024)
			.httpRequestCustomizer((request, method, to, body, context) -> headers.forEach(request::setHeader))
			.build();
	}

	/** {@code tools/list}, pages followed up to the tool bound. */
	private Mono<List<McpSchema.Tool>> list(McpAsyncClient client, String cursor, List<McpSchema.Tool> tools) {
		return client.listTools(cursor).flatMap(page -> {
			tools.addAll(page.tools());
			String next = page.nextCursor();
			return (next == null || next.isEmpty() || tools.size() >= this.properties.maxTools()) ? Mono.just(tools)
					: list(client, next, tools);
		});
	}

	/**
	 * The names the model sees: the tool's own where it is unique among the agent's
	 * servers and a provider accepts it.
	 */
	private void name(List<Offered> candidates) {
		Map<String, Integer> counts = new HashMap<>();
		candidates.forEach(candidate -> counts.merge(candidate.tool().name(), 1, Integer::sum));
		int dropped = 0;
		for (Offered candidate : candidates) {
			String own = candidate.tool().name();
			String name = (counts.get(own) == 1 && TOOL_NAME.matcher(own).matches()) ? own
					: prefixed(candidate.server(), own);
			if (this.offered.size() >= this.properties.maxTools() || this.offered.containsKey(name)) {
				dropped++;
				continue;
			}
			this.offered.put(name, candidate);
		}
		if (dropped > 0) {
			this.output.log("warn", "mcp.tools", dropped + " MCP tools were not offered (at most "
					+ this.properties.maxTools() + " per run, names unique)");
		}
	}

	/** {@code server__tool} in the characters and length providers accept. */
	static String prefixed(AgentServers.Server server, String tool) {
		String name = ((server.name() != null) ? server.name() : server.id()) + "__" + tool;
		String safe = name.replaceAll("[^a-zA-Z0-9_-]", "_");
		return (safe.length() > 64) ? safe.substring(0, 64) : safe;
	}

	private void unavailable(AgentServers.Server server, String why) {
		this.output.log("warn", "mcp.unavailable",
				"MCP server " + server.name() + " is not available to this run: " + why);
	}

	@Override
	public List<ChatRequest.Tool> tools() {
		List<ChatRequest.Tool> tools = new ArrayList<>();
		this.offered.forEach((name, offered) -> tools
			.add(new ChatRequest.Tool(name, offered.tool().description(), offered.tool().inputSchema())));
		return tools;
	}

	@Override
	public ChatRequest.ToolResult call(ChatRequest.ToolUse use) throws InterruptedException {
		Offered target = this.offered.get(use.name());
		if (target == null) {
			AgentServers.Server server = this.disabled.get(use.name());
			record(server, use.name(), "denied", 0, "The tool is not enabled for this agent", use.arguments());
			return new ChatRequest.ToolResult(use.id(),
					"The tool " + use.name() + " is not available to this agent; do not call it again", true);
		}
		String tool = target.tool().name();
		Map<String, Object> arguments;
		try {
			JsonNode parsed = JSON
				.readTree((use.arguments() == null || use.arguments().isBlank()) ? "{}" : use.arguments());
			if (!parsed.isObject()) {
				throw new IllegalArgumentException("not an object");
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> map = JSON.convertValue(parsed, Map.class);
			arguments = map;
		}
		catch (RuntimeException ex) {
			record(target.server(), tool, "error", 0, "The arguments were not a JSON object", use.arguments());
			return new ChatRequest.ToolResult(use.id(), "The arguments must be a JSON object", true);
		}
		long started = System.nanoTime();
		CompletableFuture<McpSchema.CallToolResult> call;
		try {
			call = target.client().callTool(new McpSchema.CallToolRequest(tool, arguments)).toFuture();
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		try {
			McpSchema.CallToolResult result = call.get(this.properties.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
			String text = text(result);
			if (Boolean.TRUE.equals(result.isError())) {
				record(target.server(), tool, "error", millis(started), bounded(text, ERROR_LIMIT), use.arguments());
				return new ChatRequest.ToolResult(use.id(), bounded(text, this.properties.resultMaxChars()), true);
			}
			record(target.server(), tool, "success", millis(started), null, use.arguments());
			return new ChatRequest.ToolResult(use.id(), bounded(text, this.properties.resultMaxChars()), false);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			String why = "No answer within " + this.properties.callTimeout().toSeconds() + " s";
			record(target.server(), tool, "timeout", millis(started), why, use.arguments());
			return new ChatRequest.ToolResult(use.id(), "The tool " + use.name() + " did not answer: " + why, true);
		}
		catch (ExecutionException ex) {
			String why = describe(ex.getCause());
			record(target.server(), tool, "error", millis(started), why, use.arguments());
			return new ChatRequest.ToolResult(use.id(), "The tool " + use.name() + " failed: " + why, true);
		}
		catch (InterruptedException ex) {
			call.cancel(true);
			// the run is stopping: the call is still recorded, then the stop goes on
			Thread.interrupted();
			try {
				record(target.server(), tool, "error", millis(started), "Stopped with the run", use.arguments());
			}
			finally {
				Thread.currentThread().interrupt();
			}
			throw ex;
		}
	}

	private void record(AgentServers.Server server, String tool, String status, long millis, String error,
			String input) {
		try {
			this.audit.record(new ToolCall(this.request.workspaceId(), this.request.agent().crewId(),
					this.request.agent().id(), this.request.runId(),
					(server != null && server.id() != null) ? server.id() : UNKNOWN_SERVER,
					(server != null) ? server.scope() : null, tool, status, millis, error,
					(input != null) ? input : "{}"));
		}
		catch (RuntimeException ex) {
			log.warn("Recording the MCP tool call of run {} failed: {}", this.request.runId(), ex.toString());
		}
		this.output.log("success".equals(status) ? "info" : "warn", "mcp.tool",
				"Called tool " + tool + ": " + status + ("denied".equals(status) ? "" : " (" + millis + " ms)"));
	}

	/** The text of a result; other content is named, not inlined. */
	static String text(McpSchema.CallToolResult result) {
		StringBuilder text = new StringBuilder();
		if (result.content() != null) {
			for (McpSchema.Content content : result.content()) {
				if (!text.isEmpty()) {
					text.append('\n');
				}
				if (content instanceof McpSchema.TextContent piece) {
					text.append(piece.text());
				}
				else {
					text.append('[').append(content.type()).append(" content omitted]");
				}
			}
		}
		if (text.isEmpty() && result.structuredContent() != null) {
			text.append(JSON.writeValueAsString(result.structuredContent()));
		}
		return text.toString();
	}

	private static String bounded(String text, int limit) {
		return (text.length() > limit) ? text.substring(0, limit) + "…" : text;
	}

	private static long millis(long started) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
	}

	/** Fixed wording per cause: a server's own error text is not relayed. */
	static String describe(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof McpHttpClientTransportAuthorizationException auth) {
				int status = (auth.getResponseInfo() != null) ? auth.getResponseInfo().statusCode() : 401;
				return "the server requires authorization (HTTP " + status + ")";
			}
			if (cause instanceof McpError error) {
				int code = (error.getJsonRpcError() != null) ? error.getJsonRpcError().code() : 0;
				return "the server answered a JSON-RPC error (code " + code + ")";
			}
			if (cause instanceof HttpConnectTimeoutException) {
				return "could not connect within the connect timeout";
			}
			if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
				return "no answer in time";
			}
			if (cause instanceof ConnectException) {
				return "could not connect to the server";
			}
			String message = cause.getMessage();
			if (message != null) {
				Matcher status = STATUS.matcher(message);
				if (status.find()) {
					return "the server answered HTTP " + status.group(1);
				}
			}
		}
		return "the MCP exchange failed (" + failure.getClass().getSimpleName() + ")";
	}

	@Override
	public void close() {
		for (McpAsyncClient client : this.clients) {
			try {
				client.close();
			}
			catch (RuntimeException ex) {
				log.debug("Closing an MCP client: {}", ex.toString());
			}
		}
		this.clients.clear();
	}

}
