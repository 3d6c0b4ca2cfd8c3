package crewship.crew;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class CrewServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(CrewServiceApplication.class, args);
	}

}
