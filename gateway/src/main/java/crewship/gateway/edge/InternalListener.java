package crewship.gateway.edge;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * The second listener (8081) for sidecars and service-to-service calls. It serves the
 * same application; {@link EdgeIdentityFilter} tells the listeners apart by local port.
 */
public class InternalListener implements SmartLifecycle {

	private final WebServer server;

	private volatile boolean running;

	public InternalListener(int port, HttpHandler handler) {
		this.server = new NettyReactiveWebServerFactory(port).getWebServer(handler);
	}

	@Override
	public void start() {
		this.server.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.server.stop();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
