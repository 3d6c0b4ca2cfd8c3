package crewship.cli.meta;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import crewship.cli.CliCommand;
import crewship.cli.Crewship;
import crewship.cli.Failure;

/**
 * Shell completion generated from the command tree (picocli's generator): commands,
 * subcommands and flags complete as they are in this build.
 */
@Command(name = "completion", description = "Print a shell completion script (bash or zsh).", footer = { "",
		"  source <(crewship completion bash)", "  crewship completion zsh > \"${fpath[1]}/_crewship\"" })
public class CompletionCommand extends CliCommand {

	@Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
	String shell;

	@Override
	protected void run() {
		String script = AutoComplete.bash("crewship", Crewship.commandLine(new Crewship()));
		switch (this.shell) {
			case "bash" -> out().out().print(script);
			// the generated script is bash-completion; zsh runs it through bashcompinit
			case "zsh" -> {
				out().out().println("#compdef crewship");
				out().out().println("autoload -U +X compinit && compinit");
				out().out().println("autoload -U +X bashcompinit && bashcompinit");
				out().out().print(script);
			}
			default -> throw Failure.validation("unsupported shell " + this.shell + ": use bash or zsh");
		}
	}

}
