package crewship.gateway.replicas;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The configuration of every service's load-balancer context (named by
 * {@code @LoadBalancerClients(defaultConfiguration = ...)}, so deliberately not a
 * {@code @Configuration} the application context would scan): round robin, Spring Cloud
 * LoadBalancer's default, over {@link ReplicaInstances}.
 */
public class ReplicaLoadBalancing {

	@Bean
	ServiceInstanceListSupplier replicaInstances(Environment environment, Replicas replicas) {
		return new ReplicaInstances(environment.getRequiredProperty(LoadBalancerClientFactory.PROPERTY_NAME), replicas);
	}

}
