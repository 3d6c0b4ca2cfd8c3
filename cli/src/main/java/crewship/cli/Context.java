package crewship.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * What a command runs with, resolved once per run from the global flags, the environment
 * and the config file: the server, the token (and the host it is bound to), the
 * workspace, the output.
 * <p>
 * The stored token is bound to the server it was issued for: pointed at another host
 * ({@code --server}, {@code CREWSHIP_SERVER}) the CLI refuses to attach it before any
 * request leaves, so a pasted {@code --server http://attacker.example} cannot leak it.
 * {@code CREWSHIP_TOKEN} is not bound: whoever set it chose the environment.
 */
public final class Context {

	public static final String DEFAULT_SERVER = "http://localhost:8080";

	private final Crewship flags;

	private final Map<String, String> env;

	private final InputStream in;

	private final PrintStream out;

	private final PrintStream err;

	private Config config;

	private Output output;

	private String workspaceId;

	Context(Crewship flags, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
		this.flags = flags;
		this.env = env;
		this.in = in;
		this.out = out;
		this.err = err;
	}

	public String env(String name) {
		String value = this.env.get(name);
		return (value == null || value.isBlank()) ? null : value;
	}

	public InputStream in() {
		return this.in;
	}

	public Config config() {
		if (this.config == null) {
			String home = env("HOME");
			this.config = Config.load((home != null) ? java.nio.file.Path.of(home, ".crewship") : Config.directory());
		}
		return this.config;
	}

	public Output out() {
		if (this.output == null) {
			// not from the config file: `crewship version` must not even read it
			String format = (this.flags.format != null) ? this.flags.format : env("CREWSHIP_FORMAT");
			boolean color = !this.flags.noColor && env("NO_COLOR") == null && Terminal.interactive()
					&& !"dumb".equals(env("TERM"));
			this.output = new Output((format != null) ? Output.Format.of(format) : Output.Format.TABLE, color, this.out,
					this.err);
		}
		return this.output;
	}

	public boolean verbose() {
		return this.flags.verbose;
	}

	/** The server this run talks to: {@code --server}, CREWSHIP_SERVER, the config. */
	public String server() {
		String server = (this.flags.server != null) ? this.flags.server : env("CREWSHIP_SERVER");
		if (server == null) {
			server = config().get(Config.SERVER);
		}
		return normalise((server != null) ? server : DEFAULT_SERVER);
	}

	/** The server named explicitly for this run, if any (login rebinds to it). */
	public boolean serverGiven() {
		return this.flags.server != null || env("CREWSHIP_SERVER") != null;
	}

	/** Calls without a token (sign-in). */
	public Api anonymous() {
		return new Api(server(), null, null, trace());
	}

	/**
	 * Calls with the caller's token.
	 * @throws Failure exit 4 when not logged in, or when the stored token would go to
	 * another host than the one it was issued for
	 */
	public Api api() {
		String server = server();
		String envToken = env("CREWSHIP_TOKEN");
		if (envToken != null) {
			return new Api(server, envToken, null, trace());
		}
		String token = config().get(Config.TOKEN);
		if (token == null) {
			throw Failure.auth("not logged in: run 'crewship login' (or set CREWSHIP_TOKEN)");
		}
		String bound = config().get(Config.SERVER);
		boolean allowed = this.flags.allowMismatch || env("CREWSHIP_ALLOW_SERVER_MISMATCH") != null;
		if (bound != null && !origin(bound).equals(origin(server)) && !allowed) {
			throw Failure.auth("refusing to send the stored token to " + server + ": it was issued for " + bound
					+ ". Run 'crewship login --server " + server
					+ "' to sign in there, or pass --server-allow-mismatch if you mean it");
		}
		return new Api(server, token, null, trace());
	}

	/**
	 * Calls with the caller's token in the selected workspace: {@code --workspace},
	 * CREWSHIP_WORKSPACE or the one {@code crewship workspace use} stored, by id or slug.
	 * @throws Failure exit 2 when none is selected, 3 when it names none of the caller's
	 */
	public Api workspaceApi() {
		Api api = api();
		if (this.workspaceId == null) {
			this.workspaceId = resolveWorkspace(api);
		}
		return api.inWorkspace(this.workspaceId);
	}

	public String workspaceId() {
		workspaceApi();
		return this.workspaceId;
	}

	private String resolveWorkspace(Api api) {
		String wanted = (this.flags.workspace != null) ? this.flags.workspace : env("CREWSHIP_WORKSPACE");
		if (wanted == null) {
			String stored = config().get(Config.WORKSPACE);
			if (stored != null) {
				return stored;
			}
			JsonNode workspaces = api.get("/api/v1/workspaces");
			if (workspaces.size() == 1) {
				return workspaces.get(0).get("id").asString();
			}
			throw Failure.validation("no workspace selected: pass --workspace or run 'crewship workspace use <slug>' ("
					+ workspaces.size() + " available)");
		}
		if (wanted.equals(config().get(Config.WORKSPACE)) || wanted.equals(config().get(Config.WORKSPACE_SLUG))) {
			return config().get(Config.WORKSPACE);
		}
		for (JsonNode workspace : api.get("/api/v1/workspaces")) {
			if (wanted.equals(Output.text(workspace, "id")) || wanted.equals(Output.text(workspace, "slug"))) {
				return workspace.get("id").asString();
			}
		}
		throw Failure.notFound("workspace '" + wanted + "' not found among yours");
	}

	private PrintStream trace() {
		return this.flags.verbose ? this.err : null;
	}

	/** A server URL without a trailing slash; a bare host gets http://. */
	static String normalise(String server) {
		String trimmed = server.trim();
		if (!trimmed.contains("://")) {
			trimmed = "http://" + trimmed;
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

	/**
	 * scheme://host:port, lower case, the default port explicit: what a token binds to.
	 */
	static String origin(String server) {
		try {
			URI uri = URI.create(normalise(server));
			String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "http";
			int port = (uri.getPort() != -1) ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
			String host = (uri.getHost() != null) ? uri.getHost().toLowerCase(Locale.ROOT) : "";
			return scheme + "://" + host + ":" + port;
		}
		catch (IllegalArgumentException ex) {
			throw Failure.validation("not a server URL: " + server);
		}
	}

}
