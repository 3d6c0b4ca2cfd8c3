package crewship.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import crewship.cli.agents.AgentCommand;
import crewship.cli.agents.HireCommand;
import crewship.cli.agents.LogsCommand;
import crewship.cli.agents.RehireCommand;
import crewship.cli.agents.WebhookCommand;
import crewship.cli.auth.LoginCommand;
import crewship.cli.auth.LogoutCommand;
import crewship.cli.auth.TokenCommand;
import crewship.cli.auth.WhoamiCommand;
import crewship.cli.chat.ChatCommand;
import crewship.cli.credentials.CredentialCommand;
import crewship.cli.crews.CrewCommand;
import crewship.cli.feeds.ActivityCommand;
import crewship.cli.feeds.InboxCommand;
import crewship.cli.feeds.JournalCommand;
import crewship.cli.issues.IssueCommand;
import crewship.cli.issues.LabelCommand;
import crewship.cli.issues.ProjectCommand;
import crewship.cli.meta.CommandsCommand;
import crewship.cli.meta.CompletionCommand;
import crewship.cli.meta.VersionCommand;
import crewship.cli.meta.WarmupCommand;
import crewship.cli.missions.MissionCommand;
import crewship.cli.workspaces.WorkspaceCommand;

/**
 * {@code crewship}: the command-line client of a Crewship server. The global flags are
 * inherited by every command, so they go before or after the command's own.
 */
@Command(name = "crewship", description = "Drive a Crewship server from the terminal.",
		subcommands = { LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, WorkspaceCommand.class,
				CrewCommand.class, AgentCommand.class, HireCommand.class, RehireCommand.class, CredentialCommand.class,
				WebhookCommand.class, MissionCommand.class, IssueCommand.class, LabelCommand.class,
				ProjectCommand.class, LogsCommand.class, ChatCommand.class, JournalCommand.class, ActivityCommand.class,
				InboxCommand.class, TokenCommand.class, CompletionCommand.class, CommandsCommand.class,
				VersionCommand.class, WarmupCommand.class },
		footer = { "", "Exit codes: 0 ok, 1 unclassified, 2 validation, 3 not found, 4 auth, 5 conflict,",
				"6 rate-limited, 7 server error, 8 network." })
public final class Crewship implements Runnable {

	@Option(names = { "-s", "--server" }, scope = ScopeType.INHERIT, paramLabel = "URL",
			description = "Server URL (default http://localhost:8080). Also via CREWSHIP_SERVER.")
	String server;

	@Option(names = { "-w", "--workspace" }, scope = ScopeType.INHERIT, paramLabel = "ID|SLUG",
			description = "Workspace ID or slug (default: the one 'workspace use' chose). Also via CREWSHIP_WORKSPACE.")
	String workspace;

	@Option(names = { "-f", "--format" }, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
			description = "Output format: table, json, yaml, ndjson or quiet (default table).")
	String format;

	@Option(names = { "-v", "--verbose" }, scope = ScopeType.INHERIT,
			description = "Print each request (method, path, status, time) to stderr.")
	boolean verbose;

	@Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Disable ANSI colors.")
	boolean noColor;

	@Option(names = "--server-allow-mismatch", scope = ScopeType.INHERIT,
			description = "Send the stored token to a --server other than the one it was issued for. "
					+ "Also via CREWSHIP_ALLOW_SERVER_MISMATCH.")
	boolean allowMismatch;

	@Option(names = { "-h", "--help" }, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
	boolean help;

	@Spec
	CommandSpec spec;

	private Context context;

	@Override
	public void run() {
		this.spec.commandLine().usage(this.spec.commandLine().getOut());
	}

	public Context context() {
		return this.context;
	}

	public static void main(String[] args) {
		PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true,
				StandardCharsets.UTF_8);
		PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		int code = execute(args, System.getenv(), System.in, out, err);
		out.flush();
		err.flush();
		System.exit(code);
	}

	/** Runs one command line; @return its exit code */
	public static int execute(String[] args, Map<String, String> env, InputStream in, PrintStream out,
			PrintStream err) {
		Crewship root = new Crewship();
		root.context = new Context(root, env, in, out, err);
		CommandLine commandLine = commandLine(root);
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		commandLine.setExecutionExceptionHandler((ex, line, parsed) -> {
			Failure failure = (ex instanceof Failure known) ? known
					: Failure.general((ex.getMessage() != null) ? ex.getMessage() : ex.toString());
			output(root, args, out, err).error(failure);
			return failure.exitCode();
		});
		commandLine.setParameterExceptionHandler((ex, arguments) -> {
			Output output = output(root, args, out, err);
			output.error(Failure.validation(message(ex)));
			if (!output.format().machine()) {
				err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
			}
			return Failure.VALIDATION;
		});
		return commandLine.execute(args);
	}

	/**
	 * A usage error's message. Unmatched words are named only when they are options: a
	 * value typed where none belongs may be a secret ({@code --value sk-…}), and echoing
	 * it would put it in a terminal's scrollback or a CI log.
	 */
	static String message(CommandLine.ParameterException ex) {
		if (ex instanceof CommandLine.UnmatchedArgumentException unmatched) {
			List<String> options = unmatched.getUnmatched().stream().filter(arg -> arg.startsWith("-")).toList();
			long others = unmatched.getUnmatched().size() - options.size();
			String named = options.isEmpty() ? "" : "Unknown option" + ((options.size() > 1) ? "s" : "") + ": "
					+ String.join(", ", options.stream().map(option -> option.split("=", 2)[0]).toList());
			String rest = (others == 0) ? "" : others + " unexpected argument" + ((others > 1) ? "s" : "");
			return named.isEmpty() ? rest : rest.isEmpty() ? named : named + " (and " + rest + ")";
		}
		return ex.getMessage();
	}

	/** The command tree, for running and for the manifest and completion. */
	public static CommandLine commandLine(Object root) {
		CommandLine commandLine = new CommandLine(root);
		commandLine.setCaseInsensitiveEnumValuesAllowed(true);
		commandLine.setUsageHelpAutoWidth(true);
		return commandLine;
	}

	/**
	 * The output for a failure: the parsed format when parsing got that far, else what
	 * the raw arguments say (a usage error still answers in the format asked for).
	 */
	private static Output output(Crewship root, String[] args, PrintStream out, PrintStream err) {
		try {
			if (root.format == null) {
				List<String> list = List.of(args);
				for (int i = 0; i < list.size(); i++) {
					String arg = list.get(i);
					if ((arg.equals("-f") || arg.equals("--format")) && i + 1 < list.size()) {
						root.format = list.get(i + 1);
					}
					else if (arg.startsWith("--format=")) {
						root.format = arg.substring("--format=".length());
					}
				}
			}
			return root.context.out();
		}
		catch (Failure ex) {
			return new Output(Output.Format.TABLE, false, out, err);
		}
	}

}
