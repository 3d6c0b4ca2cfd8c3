package crewship.vault;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@EnableScheduling
public class CredentialVaultServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(CredentialVaultServiceApplication.class, args);
	}

}
