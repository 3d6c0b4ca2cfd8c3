package crewship.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups others ({@code crew list}, {@code crew get}, …). */
public abstract class GroupCommand implements Runnable {

	@Spec
	protected CommandSpec spec;

	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(),
				"Missing subcommand: one of " + String.join(", ", this.spec.subcommands().keySet()));
	}

}
