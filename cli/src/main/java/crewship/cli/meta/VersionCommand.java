package crewship.cli.meta;

import java.io.PrintStream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import crewship.cli.Api;
import crewship.cli.BuildInfo;
import crewship.cli.CliCommand;
import crewship.cli.Output;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which build this CLI is, and with {@code --remote} which build the server runs. Without
 * {@code --remote} it touches no network and no config: the first thing to run on a
 * broken install.
 */
@Command(name = "version", description = "Print the CLI's build (and with --remote the server's).")
public class VersionCommand extends CliCommand {

	@Option(names = "--remote", description = "Also ask the server which build it runs.")
	boolean remote;

	@Override
	protected void run() {
		BuildInfo build = BuildInfo.load();
		String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
		String arch = System.getProperty("os.arch");
		JsonNode server = this.remote ? ctx().api().get("/api/v1/system/version") : null;
		if (out().format() == Output.Format.TABLE || out().format() == Output.Format.QUIET) {
			PrintStream print = out().out();
			if (out().format() == Output.Format.QUIET) {
				print.println(build.version());
				return;
			}
			print.println("version: " + build.version());
			print.println("  commit:  " + build.commit() + dirty(build.dirty()));
			print.println("  built:   " + build.buildTime());
			print.println("  java:    " + Runtime.version());
			print.println("  os/arch: " + os + "/" + arch);
			if (server != null) {
				print.println();
				print.println("server " + ctx().server());
				print.println("  version: " + server.path("current").asString(""));
				print.println("  commit:  " + server.path("commit").asString("")
						+ (server.has("dirty") ? dirty(server.get("dirty").asBoolean()) : ""));
				print.println("  built:   " + server.path("build_time").asString(""));
				print.println("  java:    " + server.path("java_version").asString(""));
				print.println("  os/arch: " + server.path("os").asString("") + "/" + server.path("arch").asString(""));
			}
			return;
		}
		ObjectNode answer = Api.object();
		ObjectNode client = answer.putObject("client")
			.put("version", build.version())
			.put("commit", build.commit())
			.put("build_time", build.buildTime());
		if (build.dirty() != null) {
			client.put("dirty", build.dirty());
		}
		else {
			client.putNull("dirty");
		}
		client.put("java_version", Runtime.version().toString()).put("os", os).put("arch", arch);
		if (server != null) {
			ObjectNode remoteBuild = (ObjectNode) server.deepCopy();
			remoteBuild.put("url", ctx().server());
			answer.set("server", remoteBuild);
		}
		out().machine(answer);
	}

	/** Printed only when known: an unknown state is not "clean". */
	private static String dirty(Boolean dirty) {
		return (dirty == null) ? "" : dirty ? " (uncommitted changes)" : " (clean)";
	}

}
