package crewship.crew.mcp;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probe without Spring: stdio launched or only checked (the instance's switch), a
 * launched server's environment (its own variables, none of crew-service's), its time
 * bound, and the fence's address rules.
 */
class McpProbeTests {

	@TempDir
	Path dir;

	static McpProbe probe(boolean allowPrivate, boolean allowStdio, Duration stdioTimeout) {
		McpProperties properties = new McpProperties(allowPrivate, allowStdio, Duration.ofSeconds(2),
				Duration.ofSeconds(3), stdioTimeout, null);
		return new McpProbe(properties, new EndpointFence(properties));
	}

	/**
	 * A stdio MCP server in a few lines of sh: it answers initialize with its greeting
	 * variable and whether it can see JAVA_HOME (crew-service's JVM has it), then lists
	 * one tool.
	 */
	Path script(String body) throws IOException {
		Path script = this.dir.resolve("server.sh");
		Files.writeString(script, body);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		return script;
	}

	static final String SERVER = """
			#!/bin/sh
			while IFS= read -r line; do
			  case "$line" in
			    *'"initialize"'*) printf '%s\\n' "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":1,\\"result\\":{\\"protocolVersion\\":\\"2025-06-18\\",\\"capabilities\\":{\\"tools\\":{}},\\"serverInfo\\":{\\"name\\":\\"script-mcp\\",\\"version\\":\\"$GREETING\\",\\"title\\":\\"${JAVA_HOME:-unset}\\"}}}" ;;
			    *'"tools/list"'*) printf '%s\\n' '{"jsonrpc":"2.0","id":2,"result":{"tools":[{"name":"echo","description":"Echoes","inputSchema":{"type":"object"}}]}}' ;;
			  esac
			done
			""";

	@Test
	void aLaunchedStdioServerCompletesTheHandshakeWithOnlyItsOwnEnvironment() throws IOException {
		Path script = script(SERVER);
		McpProbe.Outcome outcome = probe(false, true, Duration.ofSeconds(10)).probe(new McpProbe.Target("stdio", null,
				"/bin/sh", List.of(script.toString()), Map.of("GREETING", "hello"), Map.of()));
		assertThat(outcome.status()).as(outcome.message()).isEqualTo("ok");
		assertThat(outcome.serverInfo()).containsEntry("name", "script-mcp").containsEntry("version", "hello");
		assertThat(outcome.serverInfo()).as("crew-service's environment is not inherited")
			.containsEntry("title", "unset");
		assertThat(outcome.tools()).extracting(McpProbe.Tool::name).containsExactly("echo");
	}

	@Test
	void aSilentStdioServerIsStoppedAtTheDeadline() throws IOException {
		Path script = script("#!/bin/sh\nexec sleep 60\n");
		long started = System.nanoTime();
		McpProbe.Outcome outcome = probe(false, true, Duration.ofSeconds(1))
			.probe(new McpProbe.Target("stdio", null, "/bin/sh", List.of(script.toString()), Map.of(), Map.of()));
		assertThat(outcome.status()).isEqualTo("error");
		assertThat(outcome.message()).contains("No answer within 1 s");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
		assertThat(ProcessHandle.current()
			.descendants()
			.filter(process -> process.info().commandLine().map(line -> line.contains("sleep 60")).orElse(false)))
			.as("the child and its descendants are killed")
			.isEmpty();
	}

	@Test
	void withoutTheInstancesPermissionStdioIsOnlyCheckedForShape() {
		McpProbe checkOnly = probe(false, false, Duration.ofSeconds(1));
		McpProbe.Outcome wellFormed = checkOnly
			.probe(new McpProbe.Target("stdio", null, "\"/opt/My Tools/server\"", List.of("-v"), Map.of(), Map.of()));
		assertThat(wellFormed.status()).isEqualTo("ok");
		assertThat(wellFormed.message()).contains("not by this instance");
		assertThat(wellFormed.tools()).isNull();
		McpProbe.Outcome launchLine = checkOnly
			.probe(new McpProbe.Target("stdio", null, "npx -y server", List.of(), Map.of(), Map.of()));
		assertThat(launchLine.status()).isEqualTo("error");
		assertThat(launchLine.message()).contains("single executable");
	}

	@Test
	void theFenceRefusesPrivateAddressesUnlessAllowed() {
		EndpointFence fence = new EndpointFence(new McpProperties(false, false, null, null, null, null));
		for (String url : List.of("http://127.0.0.1:8080/mcp", "http://localhost/mcp", "http://10.1.2.3/mcp",
				"http://192.168.1.10/mcp", "http://169.254.169.254/latest/meta-data", "http://[::1]/mcp",
				"http://[fd00::1]/mcp", "http://100.64.0.1/mcp", "http://0.0.0.0/mcp")) {
			assertThat(fence.refusal(URI.create(url))).as(url).isPresent();
		}
		assertThat(fence.refusal(URI.create("https://8.8.8.8/mcp"))).isEmpty();
		assertThat(fence.refusal(URI.create("ftp://8.8.8.8/mcp"))).isPresent();
		assertThat(fence.refusal(URI.create("https://user:pw@8.8.8.8/mcp"))).isPresent();
		EndpointFence open = new EndpointFence(new McpProperties(true, false, null, null, null, null));
		assertThat(open.refusal(URI.create("http://127.0.0.1:8080/mcp"))).isEmpty();

		McpProbe.Outcome refused = probe(false, false, Duration.ofSeconds(1))
			.probe(new McpProbe.Target("streamable-http", "http://127.0.0.1:1/mcp", null, null, null, Map.of()));
		assertThat(refused.status()).isEqualTo("error");
		assertThat(refused.message()).startsWith("Refused:");
	}

	@Test
	void theCommandRulesAreQuoteAware() {
		assertThat(StdioCommand.tokenize("\"/opt/My Tools/server\"")).hasValue(List.of("/opt/My Tools/server"));
		assertThat(StdioCommand.tokenize("'a b' c")).hasValue(List.of("a b", "c"));
		assertThat(StdioCommand.tokenize("/opt/My\\ Tools/x")).hasValue(List.of("/opt/My Tools/x"));
		assertThat(StdioCommand.tokenize("\"unbalanced")).isEmpty();
	}

}
