package crewship.realtime;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Owns {@code /ws}. Stateless: every replica consumes the domain topics and serves its
 * own clients; what it knows of memberships and channels it rebuilds from Kafka at start.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RealtimeServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(RealtimeServiceApplication.class, args);
	}

}
