package crewship.platform.testing;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A minimal service built only from the platform, to test the platform's mechanisms. */
@SpringBootApplication
public class PlatformTestApplication {

}
