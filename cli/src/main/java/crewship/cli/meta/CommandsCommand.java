package crewship.cli.meta;

import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import crewship.cli.Api;
import crewship.cli.BuildInfo;
import crewship.cli.CliCommand;
import crewship.cli.Crewship;
import crewship.cli.Output;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole command tree as a manifest, read from the same model the parser runs on, so
 * it cannot drift from the build: every command, subcommand and flag.
 */
@Command(name = "commands", description = "Print every command, subcommand and flag (--format json for the manifest).")
public class CommandsCommand extends CliCommand {

	@Override
	protected void run() {
		CommandLine tree = Crewship.commandLine(new Crewship());
		if (out().format() == Output.Format.TABLE || out().format() == Output.Format.QUIET) {
			print(tree.getCommandSpec(), 0);
			return;
		}
		ObjectNode manifest = Api.object().put("version", BuildInfo.load().version());
		ArrayNode global = manifest.putArray("global_flags");
		tree.getCommandSpec()
			.options()
			.stream()
			.filter(option -> !option.hidden())
			.forEach(option -> global.add(flag(option)));
		ArrayNode commands = manifest.putArray("commands");
		tree.getSubcommands()
			.values()
			.stream()
			.distinct()
			.filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
			.forEach(sub -> commands.add(command(sub.getCommandSpec())));
		out().machine(manifest);
	}

	private void print(CommandSpec spec, int depth) {
		for (Map.Entry<String, CommandLine> entry : spec.subcommands().entrySet()) {
			CommandSpec sub = entry.getValue().getCommandSpec();
			if (!entry.getKey().equals(sub.name()) || sub.usageMessage().hidden()) {
				continue; // an alias, or the launcher's warm-up
			}
			String summary = (sub.usageMessage().description().length > 0) ? sub.usageMessage().description()[0] : "";
			out().out()
				.printf("%s%-" + Math.max(1, 24 - 2 * depth) + "s %s%n", "  ".repeat(depth), sub.name(), summary);
			print(sub, depth + 1);
		}
	}

	private static ObjectNode command(CommandSpec spec) {
		ObjectNode command = Api.object()
			.put("path", spec.qualifiedName(" ").replaceFirst("^crewship ", ""))
			.put("use", use(spec))
			.put("short", (spec.usageMessage().description().length > 0) ? spec.usageMessage().description()[0] : "");
		ArrayNode aliases = command.putArray("aliases");
		for (String alias : spec.aliases()) {
			aliases.add(alias);
		}
		ArrayNode flags = command.putArray("flags");
		spec.options()
			.stream()
			.filter(option -> !option.hidden() && !option.inherited())
			.forEach(option -> flags.add(flag(option)));
		ArrayNode commands = command.putArray("commands");
		spec.subcommands().values().stream().distinct().forEach(sub -> commands.add(command(sub.getCommandSpec())));
		return command;
	}

	private static String use(CommandSpec spec) {
		StringBuilder use = new StringBuilder(spec.name());
		for (PositionalParamSpec parameter : spec.positionalParameters()) {
			boolean optional = parameter.arity().min() == 0;
			use.append(' ').append(optional ? "[" : "<").append(parameter.paramLabel()).append(optional ? "]" : ">");
		}
		return use.toString();
	}

	private static ObjectNode flag(OptionSpec option) {
		String shorthand = "";
		String name = option.longestName().replaceFirst("^-+", "");
		for (String candidate : option.names()) {
			if (candidate.matches("-[A-Za-z]")) {
				shorthand = candidate.substring(1);
			}
		}
		String type = option.typeInfo().isBoolean() ? "bool" : option.typeInfo().isMultiValue() ? "[]string"
				: option.type().getSimpleName().toLowerCase(java.util.Locale.ROOT).replace("integer", "int");
		return Api.object()
			.put("name", name)
			.put("shorthand", shorthand)
			.put("type", type)
			.put("default", (option.defaultValue() != null) ? option.defaultValue() : "")
			.put("required", option.required())
			.put("usage", String.join(" ", option.description()));
	}

}
