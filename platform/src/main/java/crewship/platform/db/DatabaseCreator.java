package crewship.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Creates the service's own database on first start (local runs and tests), before
 * anything connects to it. Deployments that pre-create databases turn it off with
 * {@code crewship.db.create-if-missing=false}.
 */
public class DatabaseCreator implements BeanPostProcessor {

	private static final Logger log = LoggerFactory.getLogger(DatabaseCreator.class);

	private static final Pattern POSTGRES_URL = Pattern.compile("^(jdbc:postgresql://[^/]+/)([^?]+)(.*)$");

	private static final String DUPLICATE_DATABASE = "42P04";

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
			ensureDatabase(hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
		}
		return bean;
	}

	static void ensureDatabase(String url, String user, String password) {
		Matcher matcher = POSTGRES_URL.matcher(url);
		if (!matcher.matches()) {
			return;
		}
		String database = matcher.group(2);
		String maintenanceUrl = matcher.group(1) + "postgres" + matcher.group(3);
		try (Connection connection = DriverManager.getConnection(maintenanceUrl, user, password);
				PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
			exists.setString(1, database);
			try (ResultSet rs = exists.executeQuery()) {
				if (rs.next()) {
					return;
				}
			}
			try (Statement create = connection.createStatement()) {
				create.execute("create database \"" + database.replace("\"", "\"\"") + "\"");
				log.info("Created database {}", database);
			}
		}
		catch (SQLException ex) {
			if (!DUPLICATE_DATABASE.equals(ex.getSQLState())) { // another replica created
																// it first
				log.warn("Could not make sure database {} exists: {}", database, ex.getMessage());
			}
		}
	}

}
