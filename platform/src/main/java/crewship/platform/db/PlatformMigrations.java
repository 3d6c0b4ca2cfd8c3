package crewship.platform.db;

import org.flywaydb.core.Flyway;

import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;

/**
 * Migrates the platform's tables (outbox, processed events, membership replica) from
 * {@code db/platform} with their own history table, then the service's own
 * {@code db/migration}. Two histories let platform and service number their migrations
 * independently.
 */
public class PlatformMigrations implements FlywayMigrationStrategy {

	@Override
	public void migrate(Flyway service) {
		Flyway.configure(service.getConfiguration().getClassLoader())
			.configuration(service.getConfiguration())
			.locations("classpath:db/platform")
			.table("platform_schema_history")
			.baselineOnMigrate(false)
			.load()
			.migrate();
		service.migrate();
	}

}
