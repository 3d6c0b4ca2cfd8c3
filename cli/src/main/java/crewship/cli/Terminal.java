package crewship.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person is at the terminal: prompts and colours only then. */
public final class Terminal {

	private Terminal() {
	}

	public static boolean interactive() {
		Console console = System.console();
		if (console == null) {
			return false;
		}
		try {
			// JDK 22+ gives a Console even when redirected; it then says whether it is a
			// terminal
			Method isTerminal = Console.class.getMethod("isTerminal");
			return (Boolean) isTerminal.invoke(console);
		}
		catch (ReflectiveOperationException ex) {
			return true;
		}
	}

}
