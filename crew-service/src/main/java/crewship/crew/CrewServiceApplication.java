package crewship.crew;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class CrewServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(CrewServiceApplication.class, args);
	}

}
