package crewship.devstack;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The suite's PostgreSQL server: embedded binaries under the data directory when
 * {@code CREWSHIP_DB_EMBEDDED=true}; else {@code CREWSHIP_DB_URL} when set, else the one
 * answering on localhost:5432, else the embedded binaries.
 */
final class Postgres implements AutoCloseable {

	private final String host;

	private final int port;

	private final String user;

	private final String password;

	private final EmbeddedPostgres embedded;

	private Postgres(String host, int port, String user, String password, EmbeddedPostgres embedded) {
		this.host = host;
		this.port = port;
		this.user = user;
		this.password = password;
		this.embedded = embedded;
	}

	static Postgres start(DevstackConfig config, Log log) {
		if (config.dbEmbedded()) {
			return startEmbedded(config, log, "CREWSHIP_DB_EMBEDDED=true");
		}
		if (config.dbUrl() != null) {
			URI uri = URI.create(config.dbUrl().replaceFirst("^jdbc:", ""));
			int port = (uri.getPort() > 0) ? uri.getPort() : 5432;
			Postgres external = new Postgres(uri.getHost(), port, config.dbUser(), config.dbPassword(), null);
			external.requireAnswer("CREWSHIP_DB_URL " + config.dbUrl());
			log.step("PostgreSQL: using " + uri.getHost() + ":" + port + " (CREWSHIP_DB_URL)");
			return external;
		}
		if (Ports.answers("127.0.0.1", 5432, Duration.ofSeconds(1))) {
			Postgres local = new Postgres("127.0.0.1", 5432, config.dbUser(), config.dbPassword(), null);
			local.requireAnswer("localhost:5432");
			log.step("PostgreSQL: using the server on localhost:5432");
			return local;
		}
		return startEmbedded(config, log, "none answered on localhost:5432");
	}

	private static Postgres startEmbedded(DevstackConfig config, Log log, String why) {
		int port = config.port(5433);
		Ports.requireFree(port, "embedded PostgreSQL");
		EmbeddedPostgres embedded = EmbeddedPostgres.start(config.dataDir().resolve("postgres"), port, log);
		log.step("PostgreSQL: " + why + "; started embedded PostgreSQL on port " + port);
		return new Postgres("127.0.0.1", port, "postgres", "", embedded);
	}

	/** Stops the embedded server like a crash (fault drills); see {@link #start()}. */
	void crash() {
		requireEmbedded().crash();
	}

	/** Starts the embedded server again; returns once it accepts connections. */
	void start() {
		requireEmbedded().start();
	}

	private EmbeddedPostgres requireEmbedded() {
		if (this.embedded == null) {
			throw new IllegalStateException("The suite uses a PostgreSQL it did not start (" + this.host + ":"
					+ this.port + "); set CREWSHIP_DB_EMBEDDED=true for one it may stop");
		}
		return this.embedded;
	}

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	String user() {
		return this.user;
	}

	String password() {
		return this.password;
	}

	/** Whether this is the server the launcher started (embedded binaries). */
	boolean embedded() {
		return this.embedded != null;
	}

	Long pid() {
		return (this.embedded != null) ? this.embedded.pid() : null;
	}

	void createDatabases(List<String> names) {
		try (Connection connection = connect("postgres");
				PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?");
				Statement create = connection.createStatement()) {
			for (String name : names) {
				exists.setString(1, name);
				try (ResultSet rs = exists.executeQuery()) {
					if (!rs.next()) {
						create.execute("create database \"" + name + "\"");
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new DevstackException("Could not create the service databases: " + ex.getMessage(), ex);
		}
	}

	void dropDatabases(List<String> names) {
		try (Connection connection = connect("postgres"); Statement drop = connection.createStatement()) {
			for (String name : names) {
				drop.execute("drop database if exists \"" + name + "\" with (force)");
			}
		}
		catch (SQLException ex) {
			throw new DevstackException("Could not drop the service databases: " + ex.getMessage(), ex);
		}
	}

	private void requireAnswer(String what) {
		try (Connection connection = connect("postgres")) {
			connection.isValid(2);
		}
		catch (SQLException ex) {
			throw new DevstackException("PostgreSQL at " + what + " does not accept us as '" + this.user + "': "
					+ ex.getMessage() + " (set CREWSHIP_DB_USER / CREWSHIP_DB_PASSWORD)", ex);
		}
	}

	private Connection connect(String database) throws SQLException {
		DriverManager.setLoginTimeout(5);
		return DriverManager.getConnection("jdbc:postgresql://" + this.host + ":" + this.port + "/" + database,
				this.user, this.password);
	}

	@Override
	public void close() {
		if (this.embedded != null) {
			this.embedded.close();
		}
	}

}
