package crewship.gateway.replicas;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * What Spring Cloud LoadBalancer chooses from for one service: its replicas now in the
 * rotation, read afresh for every request (no cache: an instance that left the rotation a
 * moment ago is not chosen again).
 */
class ReplicaInstances implements ServiceInstanceListSupplier {

	private final String service;

	private final Replicas replicas;

	ReplicaInstances(String service, Replicas replicas) {
		this.service = service;
		this.replicas = replicas;
	}

	@Override
	public String getServiceId() {
		return this.service;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return Flux.defer(() -> Flux.just(this.replicas.healthy(this.service)));
	}

}
