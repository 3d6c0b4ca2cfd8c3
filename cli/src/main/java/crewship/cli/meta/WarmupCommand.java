package crewship.cli.meta;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;

import picocli.CommandLine.Command;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Config;
import crewship.cli.Output;
import crewship.cli.Output.Column;

/**
 * Loads what most commands load — JSON and YAML, the HTTP client, the output — without
 * touching the network or the config, so the class-data archive the launcher has the JVM
 * write on its first run covers every command, not just the first one someone ran.
 */
@Command(name = "__warmup", hidden = true)
public class WarmupCommand extends CliCommand {

	@Override
	protected void run() {
		var node = Api.object().put("id", "c1").put("name", "warm-up");
		node.putArray("items").add(Api.object().put("id", "c2"));
		String json = Api.JSON.writeValueAsString(node);
		Api.JSON.readTree(json);
		Config.load(Path.of(System.getProperty("java.io.tmpdir"), "crewship-warmup-" + ProcessHandle.current().pid()));
		tools.jackson.dataformat.yaml.YAMLMapper.builder().build().readTree("server: http://localhost:8080\n");
		HttpRequest.newBuilder(URI.create("http://localhost/")).GET().build();
		HttpClient.newBuilder().build();
		java.io.PrintStream sink = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
		for (Output.Format format : Output.Format.values()) {
			new Output(format, false, sink, sink).list(Api.JSON.createArrayNode().add(node),
					java.util.List.of(Column.of("ID", "id"), Column.of("NAME", "name")));
		}
	}

}
