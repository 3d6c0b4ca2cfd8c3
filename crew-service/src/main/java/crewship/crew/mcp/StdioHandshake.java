package crewship.crew.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP handshake with a stdio server this instance launches (only when
 * {@link McpProperties#allowStdio()}): newline-delimited JSON-RPC on the child's stdin
 * and stdout. The child gets a minimal environment ({@code PATH}, a private {@code HOME}
 * and working directory, locale) plus the server's configured variables — never
 * crew-service's own, which hold the internal token and database password — and is killed
 * with all its descendants when the handshake ends or the deadline passes. Its stderr is
 * drained and dropped (it may echo what it was given).
 */
final class StdioHandshake {

	private static final Logger log = LoggerFactory.getLogger(StdioHandshake.class);

	/** A line longer than this is not a JSON-RPC answer we wait for. */
	private static final int MAX_LINE = 4 * 1024 * 1024;

	private final McpProperties properties;

	private final McpJsonMapper json;

	StdioHandshake(McpProperties properties, McpJsonMapper json) {
		this.properties = properties;
		this.json = json;
	}

	McpProbe.Outcome run(McpProbe.Target target) {
		String executable;
		try {
			executable = StdioCommand.executable(target.command());
		}
		catch (IllegalArgumentException ex) {
			return McpProbe.Outcome.error(ex.getMessage());
		}
		long deadline = System.nanoTime() + this.properties.stdioTimeout().toNanos();
		Path home = null;
		Process process = null;
		try {
			home = Files.createTempDirectory("crewship-mcp-");
			List<String> command = new ArrayList<>();
			command.add(executable);
			if (target.args() != null) {
				command.addAll(target.args());
			}
			ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
			Map<String, String> env = builder.environment();
			env.clear();
			env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
			env.put("HOME", home.toString());
			env.put("LANG", "C.UTF-8");
			if (target.env() != null) {
				env.putAll(target.env());
			}
			process = builder.start();
			drain(process.getErrorStream());
			BlockingQueue<String> lines = lines(process.getInputStream());
			OutputStream stdin = process.getOutputStream();

			send(stdin,
					new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_INITIALIZE, 1,
							new McpSchema.InitializeRequest(ProtocolVersions.MCP_2025_06_18,
									McpSchema.ClientCapabilities.builder().build(),
									new McpSchema.Implementation("crewship", "Crewship", "0.1.0"))));
			McpSchema.JSONRPCResponse initialized = await(lines, 1, deadline, process);
			if (initialized.error() != null) {
				return McpProbe.Outcome.error("The server answered initialize with a JSON-RPC error (code "
						+ initialized.error().code() + ")");
			}
			McpSchema.InitializeResult result = this.json.convertValue(initialized.result(),
					new TypeRef<McpSchema.InitializeResult>() {
					});
			send(stdin, new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
					McpSchema.METHOD_NOTIFICATION_INITIALIZED, null));
			List<McpProbe.Tool> tools = new ArrayList<>();
			String cursor = null;
			int id = 2;
			do {
				Map<String, Object> params = new LinkedHashMap<>();
				if (cursor != null) {
					params.put("cursor", cursor);
				}
				send(stdin, new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_TOOLS_LIST, id,
						params));
				McpSchema.JSONRPCResponse listed = await(lines, id, deadline, process);
				if (listed.error() != null) {
					return McpProbe.Outcome.error("The server answered tools/list with a JSON-RPC error (code "
							+ listed.error().code() + ")");
				}
				McpSchema.ListToolsResult page = this.json.convertValue(listed.result(),
						new TypeRef<McpSchema.ListToolsResult>() {
						});
				page.tools().forEach(tool -> tools.add(McpProbe.tool(tool)));
				cursor = page.nextCursor();
				id++;
			}
			while (cursor != null && !cursor.isEmpty() && tools.size() < this.properties.maxTools());
			return new McpProbe.Outcome("ok", "Launched the stdio server and completed the MCP handshake",
					McpProbe.serverInfo(result.serverInfo(), result.protocolVersion(), false),
					List.copyOf(tools.size() > this.properties.maxTools() ? tools.subList(0, this.properties.maxTools())
							: tools));
		}
		catch (Timeout ex) {
			return McpProbe.Outcome
				.error("No answer within " + this.properties.stdioTimeout().toSeconds() + " s; the server was stopped");
		}
		catch (Exited ex) {
			return McpProbe.Outcome.error("The server exited (code " + ex.code + ") before completing the handshake");
		}
		catch (IOException ex) {
			String message = (ex.getMessage() != null && ex.getMessage().contains("error=2"))
					? "The command was not found on this instance" : "The server could not be launched";
			return McpProbe.Outcome.error(message);
		}
		catch (RuntimeException ex) {
			log.info("stdio MCP handshake failed: {}", ex.getClass().getSimpleName());
			return McpProbe.Outcome.error("The server's answer was not valid MCP JSON-RPC");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return McpProbe.Outcome.error("Interrupted");
		}
		finally {
			if (process != null) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
			if (home != null) {
				deleteQuietly(home);
			}
		}
	}

	private void send(OutputStream stdin, McpSchema.JSONRPCMessage message) throws IOException {
		stdin.write(this.json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8));
		stdin.write('\n');
		stdin.flush();
	}

	/**
	 * The response with this id; notifications and server requests in between are
	 * skipped.
	 */
	private McpSchema.JSONRPCResponse await(BlockingQueue<String> lines, int id, long deadline, Process process)
			throws InterruptedException, IOException {
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new Timeout();
			}
			String line = lines.poll(Math.min(left, Duration.ofMillis(200).toNanos()), TimeUnit.NANOSECONDS);
			if (line == null) {
				if (!process.isAlive() && lines.isEmpty()) {
					throw new Exited(process.exitValue());
				}
				continue;
			}
			if (line.isBlank() || !line.trim().startsWith("{")) {
				continue; // some servers print banners on stdout
			}
			McpSchema.JSONRPCMessage message = McpSchema.deserializeJsonRpcMessage(this.json, line);
			if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null
					&& String.valueOf(id).equals(String.valueOf(response.id()))) {
				return response;
			}
		}
	}

	private static BlockingQueue<String> lines(InputStream stdout) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>(1000);
		Thread.ofVirtual().name("mcp-stdio-out").start(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.length() <= MAX_LINE) {
						lines.offer(line);
					}
				}
			}
			catch (IOException ex) {
				// the process went away
			}
		});
		return lines;
	}

	private static void drain(InputStream stderr) {
		Thread.ofVirtual().name("mcp-stdio-err").start(() -> {
			try (stderr) {
				stderr.transferTo(OutputStream.nullOutputStream());
			}
			catch (IOException ex) {
				// the process went away
			}
		});
	}

	private static void deleteQuietly(Path dir) {
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			log.debug("Could not remove {}: {}", dir, ex.toString());
		}
	}

	private static final class Timeout extends RuntimeException {

		Timeout() {
			super(null, null, false, false);
		}

	}

	private static final class Exited extends RuntimeException {

		final int code;

		Exited(int code) {
			super(null, null, false, false);
			this.code = code;
		}

	}

}
