package crewship.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that does something: runs with the run's {@link Context}, exits 0 unless it
 * throws.
 */
public abstract class CliCommand implements Callable<Integer> {

	@Spec
	protected CommandSpec spec;

	protected Context ctx() {
		return ((Crewship) this.spec.root().userObject()).context();
	}

	protected Output out() {
		return ctx().out();
	}

	@Override
	public final Integer call() {
		out(); // a bad --format is a usage error before anything else happens
		run();
		return 0;
	}

	protected abstract void run();

}
