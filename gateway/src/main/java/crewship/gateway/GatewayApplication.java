package crewship.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	public static void main(String[] args) {
		// Every pooled connection to a service (routes, auth-service and vault calls) is
		// retired while idle well before the service's keep-alive timeout (75 s), so the
		// gateway never sends a request on a connection the service is closing.
		if (System.getProperty("reactor.netty.pool.maxIdleTime") == null) {
			System.setProperty("reactor.netty.pool.maxIdleTime", "30000");
		}
		SpringApplication.run(GatewayApplication.class, args);
	}

}
