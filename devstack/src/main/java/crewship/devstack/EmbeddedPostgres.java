package crewship.devstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * PostgreSQL from the binaries Zonky publishes on Maven Central, unpacked once under the
 * data directory and run as its own process. PostgreSQL refuses to run as root, so under
 * root the server runs as the unprivileged {@code postgres} (or {@code nobody}) user.
 */
final class EmbeddedPostgres implements AutoCloseable {

	private static final String BUNDLE = "postgres-linux-x86_64.txz";

	private final Path home;

	private final Path pgdata;

	private final List<String> runAs;

	private final int port;

	private final Log log;

	private volatile boolean running;

	private EmbeddedPostgres(Path home, Path pgdata, int port, List<String> runAs, Log log) {
		this.home = home;
		this.pgdata = pgdata;
		this.port = port;
		this.runAs = runAs;
		this.log = log;
	}

	static EmbeddedPostgres start(Path dir, int port, Log log) {
		try {
			Files.createDirectories(dir);
			Path home = dir.resolve("bin-14");
			if (!Files.exists(home.resolve("bin/postgres"))) {
				unpack(home);
			}
			List<String> runAs = unprivilegedUser();
			EmbeddedPostgres server = new EmbeddedPostgres(home, dir.resolve("data"), port, runAs, log);
			if (!runAs.isEmpty()) {
				chownTo(dir, runAs);
			}
			if (!Files.exists(server.pgdata.resolve("PG_VERSION"))) {
				server.run(Duration.ofMinutes(2), home.resolve("bin/initdb").toString(), "-D", server.pgdata.toString(),
						"-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C");
			}
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts the server on its data directory and returns once it accepts connections
	 * (after crash recovery, when it was stopped like a crash).
	 */
	synchronized void start() {
		Path dir = this.pgdata.getParent();
		run(Duration.ofMinutes(1), this.home.resolve("bin/pg_ctl").toString(), "-D", this.pgdata.toString(), "-l",
				dir.resolve("postgres.log").toString(), "-w", "-o",
				"-p " + this.port + " -h 127.0.0.1 -k " + dir + " -c max_connections=200", "start");
		this.running = true;
	}

	/**
	 * Stops the server the way a crash would ({@code pg_ctl -m immediate}): every backend
	 * is ended at once, no shutdown checkpoint, and the next start replays the WAL. Fault
	 * drills use it; only what was committed survives.
	 */
	synchronized void crash() {
		run(Duration.ofSeconds(30), this.home.resolve("bin/pg_ctl").toString(), "-D", this.pgdata.toString(), "-m",
				"immediate", "-w", "stop");
		this.running = false;
	}

	Long pid() {
		try {
			Path pidFile = this.pgdata.resolve("postmaster.pid");
			return Files.exists(pidFile) ? Long.parseLong(Files.readAllLines(pidFile).get(0).trim()) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	@Override
	public synchronized void close() {
		if (!this.running) {
			return;
		}
		try {
			run(Duration.ofSeconds(30), this.home.resolve("bin/pg_ctl").toString(), "-D", this.pgdata.toString(), "-m",
					"fast", "-w", "stop");
			this.running = false;
		}
		catch (RuntimeException ex) {
			this.log.warn("Embedded PostgreSQL did not stop cleanly: " + ex.getMessage());
		}
	}

	private void run(Duration timeout, String... command) {
		List<String> full = new ArrayList<>(this.runAs);
		full.addAll(List.of(command));
		try {
			Process process = new ProcessBuilder(full).redirectErrorStream(true)
				.redirectOutput(
						ProcessBuilder.Redirect.appendTo(this.pgdata.getParent().resolve("pg_ctl.log").toFile()))
				.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new DevstackException(command[0] + " timed out");
			}
			if (process.exitValue() != 0) {
				throw new DevstackException(Path.of(command[0]).getFileName() + " failed (exit " + process.exitValue()
						+ "); see " + this.pgdata.getParent().resolve("pg_ctl.log"));
			}
		}
		catch (IOException ex) {
			throw new DevstackException("Could not run " + command[0] + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new DevstackException("Interrupted while running " + command[0], ex);
		}
	}

	/**
	 * Under root: {@code setpriv} to postgres (or nobody); otherwise run as ourselves.
	 */
	private static List<String> unprivilegedUser() throws IOException {
		if (!"root".equals(System.getProperty("user.name"))) {
			return List.of();
		}
		String user = hasUser("postgres") ? "postgres" : "nobody";
		return List.of("setpriv", "--reuid=" + user, "--regid=" + group(user), "--init-groups", "--");
	}

	private static boolean hasUser(String name) throws IOException {
		return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(line -> line.startsWith(name + ":"));
	}

	private static String group(String user) throws IOException {
		String gid = Files.readAllLines(Path.of("/etc/passwd"))
			.stream()
			.filter(line -> line.startsWith(user + ":"))
			.map(line -> line.split(":")[3])
			.findFirst()
			.orElse("65534");
		return gid;
	}

	private static void chownTo(Path dir, List<String> runAs) throws IOException {
		String user = runAs.get(1).substring("--reuid=".length());
		UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
		try (var paths = Files.walk(dir)) {
			for (Path path : paths.toList()) {
				Files.setOwner(path, users.lookupPrincipalByName(user));
			}
		}
	}

	private static void unpack(Path home) throws IOException {
		Path staging = Files.createTempDirectory(home.getParent(), "unpack");
		try (InputStream bundle = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(BUNDLE)) {
			if (bundle == null) {
				throw new DevstackException("The PostgreSQL binaries (" + BUNDLE + ") are not on the class path");
			}
			try (TarArchiveInputStream tar = new TarArchiveInputStream(
					new XZCompressorInputStream(new BufferedInputStream(bundle)))) {
				TarArchiveEntry entry;
				while ((entry = tar.getNextEntry()) != null) {
					Path target = staging.resolve(entry.getName()).normalize();
					if (!target.startsWith(staging)) {
						continue;
					}
					if (entry.isDirectory()) {
						Files.createDirectories(target);
					}
					else if (entry.isSymbolicLink()) {
						Files.createDirectories(target.getParent());
						Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
					}
					else {
						Files.createDirectories(target.getParent());
						Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
						Set<PosixFilePermission> mode = ((entry.getMode() & 0100) != 0)
								? PosixFilePermissions.fromString("rwxr-xr-x")
								: PosixFilePermissions.fromString("rw-r--r--");
						Files.setPosixFilePermissions(target, mode);
					}
				}
			}
		}
		Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
	}

}
