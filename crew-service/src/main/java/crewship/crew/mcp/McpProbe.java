package crewship.crew.mcp;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Really connects to an MCP server: {@code initialize}, {@code notifications/initialized}
 * and {@code tools/list} (pages followed, up to {@link McpProperties#maxTools()}) over
 * Streamable HTTP or the older HTTP+SSE transport through the official MCP Java SDK, or
 * over stdio by launching the command ({@link StdioHandshake}) when the instance allows
 * it. Every step is bounded; the endpoint passes the {@link EndpointFence} first and
 * redirects are not followed. What the caller sees is a fixed summary: an error never
 * repeats the server's answer, the endpoint's query or a header value.
 */
@Component
public class McpProbe {

	private static final Logger log = LoggerFactory.getLogger(McpProbe.class);

	private static final Pattern STATUS = Pattern.compile("[Ss]tatus code:? ?(\\d{3})");

	/** The MCP wire format (camelCase), not the API's snake_case mapper. */
	private static final JacksonMcpJsonMapper MCP_JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

	private static final McpSchema.Implementation CLIENT = new McpSchema.Implementation("crewship", "Crewship",
			"0.1.0");

	private final McpProperties properties;

	private final EndpointFence fence;

	private final StdioHandshake stdio;

	McpProbe(McpProperties properties, EndpointFence fence) {
		this.properties = properties;
		this.fence = fence;
		this.stdio = new StdioHandshake(properties, MCP_JSON);
	}

	/**
	 * What to connect to.
	 *
	 * @param transport {@code streamable-http}, {@code sse} or {@code stdio}
	 * @param headers extra request headers, the credential's among them (HTTP)
	 * @param env environment of a launched stdio server (added to a minimal one)
	 */
	public record Target(String transport, String endpoint, String command, List<String> args, Map<String, String> env,
			Map<String, String> headers) {

		@Override
		public String toString() {
			return "Target[" + this.transport + "]"; // headers and env may hold secrets
		}

	}

	/** One tool as {@code tools/list} described it. */
	public record Tool(String name, String description, Map<String, Object> inputSchema) {
	}

	/**
	 * @param status {@code ok}, {@code error} or {@code auth_required} (the page's set)
	 * @param serverInfo the server's {@code serverInfo} and protocol version; null unless
	 * connected
	 * @param tools null when the tools were not listed (not connected, or a stdio server
	 * that was only checked for shape)
	 */
	public record Outcome(String status, String message, Map<String, Object> serverInfo, List<Tool> tools) {

		static Outcome error(String message) {
			return new Outcome("error", message, null, null);
		}

		public boolean ok() {
			return "ok".equals(this.status);
		}

	}

	public Outcome probe(Target target) {
		if ("stdio".equals(target.transport())) {
			return this.properties.allowStdio() ? this.stdio.run(target) : checkStdio(target);
		}
		return http(target);
	}

	/** The page's static check, when this instance does not launch stdio servers. */
	private Outcome checkStdio(Target target) {
		try {
			StdioCommand.executable(target.command());
		}
		catch (IllegalArgumentException ex) {
			return Outcome.error(ex.getMessage());
		}
		return new Outcome("ok",
				"Configuration is well-formed; stdio servers are launched only inside the crew's runtime, not by this instance",
				null, null);
	}

	private Outcome http(Target target) {
		URI uri;
		try {
			uri = URI.create(target.endpoint().trim());
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			return Outcome.error("endpoint is not a URL");
		}
		Optional<String> refusal = this.fence.refusal(uri);
		if (refusal.isPresent()) {
			return Outcome.error("Refused: " + refusal.get());
		}
		String base = uri.getScheme() + "://" + uri.getRawAuthority();
		String path = ((uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath())
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : "");
		Duration timeout = this.properties.requestTimeout();
		HttpClient.Builder client = HttpClient.newBuilder()
			.connectTimeout(this.properties.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER);
		Map<String, String> headers = (target.headers() != null) ? target.headers() : Map.of();
		McpClientTransport transport = "sse".equals(target.transport())
				? HttpClientSseClientTransport.builder(base)
					.sseEndpoint(path)
					.clientBuilder(client)
					.connectTimeout(this.properties.connectTimeout())
					.jsonMapper(MCP_JSON)
					.maxResponseSize(4 * 1024 * 1024)
					.httpRequestCustomizer((request, method, to, body, context) -> headers.forEach(request::setHeader))
					.build()
				: HttpClientStreamableHttpTransport.builder(base)
					.endpoint(path)
					.clientBuilder(client)
					.connectTimeout(this.properties.connectTimeout())
					.jsonMapper(MCP_JSON)
					.maxResponseSize(4 * 1024 * 1024)
					.httpRequestCustomizer((request, method, to, body, context) -> headers.forEach(request::setHeader))
					.build();
		McpSyncClient mcp = McpClient.sync(transport)
			.requestTimeout(timeout)
			.initializationTimeout(timeout)
			.clientInfo(CLIENT)
			.build();
		try {
			McpSchema.InitializeResult initialized = mcp.initialize();
			List<Tool> tools = new ArrayList<>();
			if (initialized.capabilities() == null || initialized.capabilities().tools() != null) {
				String cursor = null;
				do {
					McpSchema.ListToolsResult page = mcp.listTools(cursor);
					page.tools().forEach(tool -> tools.add(tool(tool)));
					cursor = page.nextCursor();
				}
				while (cursor != null && !cursor.isEmpty() && tools.size() < this.properties.maxTools());
			}
			List<Tool> bounded = (tools.size() > this.properties.maxTools())
					? tools.subList(0, this.properties.maxTools()) : tools;
			return new Outcome("ok", "Connected to MCP server", serverInfo(initialized.serverInfo(),
					initialized.protocolVersion(), initialized.instructions() != null), List.copyOf(bounded));
		}
		catch (RuntimeException ex) {
			Outcome outcome = classify(ex, timeout);
			log.info("MCP test of {} failed: {}", base, outcome.message());
			return outcome;
		}
		finally {
			try {
				mcp.close();
			}
			catch (RuntimeException ex) {
				log.debug("Closing an MCP test client: {}", ex.toString());
			}
		}
	}

	static Tool tool(McpSchema.Tool tool) {
		return new Tool(tool.name(), tool.description(), tool.inputSchema());
	}

	static Map<String, Object> serverInfo(McpSchema.Implementation implementation, String protocolVersion,
			boolean hasInstructions) {
		Map<String, Object> info = new LinkedHashMap<>();
		if (implementation != null) {
			info.put("name", implementation.name());
			info.put("version", implementation.version());
			if (implementation.title() != null) {
				info.put("title", implementation.title());
			}
		}
		if (protocolVersion != null) {
			info.put("protocol_version", protocolVersion);
		}
		return info;
	}

	/** Fixed wording per cause: the server's own text is never relayed. */
	static Outcome classify(Throwable failure, Duration timeout) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof McpHttpClientTransportAuthorizationException auth) {
				int status = (auth.getResponseInfo() != null) ? auth.getResponseInfo().statusCode() : 401;
				return new Outcome("auth_required", "The server requires authorization (HTTP " + status + ")", null,
						null);
			}
			if (cause instanceof McpError error) {
				int code = (error.getJsonRpcError() != null) ? error.getJsonRpcError().code() : 0;
				return Outcome.error("The server answered a JSON-RPC error (code " + code + ")");
			}
			if (cause instanceof HttpConnectTimeoutException) {
				return Outcome.error("Could not connect within the connect timeout");
			}
			if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
				return Outcome.error("No answer within " + timeout.toSeconds() + " s");
			}
			if (cause instanceof ConnectException) {
				return Outcome.error("Could not connect to the server");
			}
			String message = cause.getMessage();
			if (message != null) {
				Matcher status = STATUS.matcher(message);
				if (status.find()) {
					return Outcome.error("The server answered HTTP " + status.group(1));
				}
				if (message.contains("Did not observe any item or terminal signal")
						|| message.toLowerCase().contains("timeout")) {
					return Outcome.error("No answer within " + timeout.toSeconds() + " s");
				}
				if (message.startsWith("Unknown media type")) {
					return Outcome.error("The server did not answer as an MCP server (unexpected content type)");
				}
			}
		}
		return Outcome.error("The MCP handshake failed (" + failure.getClass().getSimpleName() + ")");
	}

}
