package crewship.platform.db;

import org.flywaydb.core.Flyway;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Creates a missing service database and runs the platform migrations before the
 * service's own.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ Flyway.class, com.zaxxer.hikari.HikariDataSource.class })
public class DatabaseAutoConfiguration {

	@Bean
	@ConditionalOnProperty(name = "crewship.db.create-if-missing", matchIfMissing = true)
	static DatabaseCreator databaseCreator() {
		return new DatabaseCreator();
	}

	@Bean
	PlatformMigrations platformMigrations() {
		return new PlatformMigrations();
	}

}
