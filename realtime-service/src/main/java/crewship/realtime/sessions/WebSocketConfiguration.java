package crewship.realtime.sessions;

import java.util.Map;

import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import crewship.realtime.RealtimeProperties;

/**
 * {@code /ws}: inbound frames capped at 64 KiB by Reactor Netty (a larger one closes the
 * socket with 1009), the {@code Origin} check, and the gateway's verified assertion
 * carried from the handshake into the socket.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketConfiguration implements WebFluxConfigurer {

	private final RealtimeProperties properties;

	WebSocketConfiguration(RealtimeProperties properties) {
		this.properties = properties;
	}

	@Bean
	HandlerMapping webSocketMapping(RealtimeHandler handler) {
		return new SimpleUrlHandlerMapping(Map.of("/ws", handler), -1);
	}

	@Override
	public WebSocketService getWebSocketService() {
		int maxFrame = this.properties.maxFrameBytes();
		OriginCheckingWebSocketService service = new OriginCheckingWebSocketService(
				new ReactorNettyRequestUpgradeStrategy(
						() -> WebsocketServerSpec.builder().maxFramePayloadLength(maxFrame)),
				this.properties.production());
		return service;
	}

}
