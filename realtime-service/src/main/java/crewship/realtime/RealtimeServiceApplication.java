package crewship.realtime;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Owns {@code /ws}. Stateless: every replica consumes the domain topics and serves its
 * own clients.
 */
@SpringBootApplication
public class RealtimeServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(RealtimeServiceApplication.class, args);
	}

}
