package crewship.realtime.sessions;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;

import crewship.platform.web.reactive.ReactiveIdentityFilter;
import crewship.platform.web.reactive.ReactiveProblems;

/**
 * Cross-site WebSocket hijacking protection at the handshake: a browser's {@code Origin}
 * must name the {@code Host} it connects to (the gateway preserves the client's Host);
 * {@code localhost} and {@code 127.0.0.1} origins are also allowed outside production. A
 * client without {@code Origin} is no browser (CLI, server) and cannot be hijacked.
 */
class OriginCheckingWebSocketService extends HandshakeWebSocketService {

	private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

	private final boolean production;

	OriginCheckingWebSocketService(RequestUpgradeStrategy upgrades, boolean production) {
		super(upgrades);
		this.production = production;
	}

	@Override
	public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		String origin = headers.getOrigin();
		if (origin != null && !allowed(origin, headers.getFirst(HttpHeaders.HOST))) {
			return ReactiveProblems.write(exchange, HttpStatus.FORBIDDEN, "Cross-site WebSocket connection refused");
		}
		// the gateway's verdict, verified by the identity filter, travels into the socket
		// (the base class would copy only WebSession attributes, and we keep no sessions)
		Object caller = exchange.getAttribute(ReactiveIdentityFilter.ATTRIBUTE);
		return super.handleRequest(exchange, (caller == null) ? handler : session -> {
			session.getAttributes().put(ReactiveIdentityFilter.ATTRIBUTE, caller);
			return handler.handle(session);
		});
	}

	boolean allowed(String origin, String host) {
		URI uri;
		try {
			uri = URI.create(origin);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (uri.getHost() == null) {
			return false;
		}
		String originHost = uri.getHost().toLowerCase(Locale.ROOT);
		String authority = (uri.getPort() != -1) ? originHost + ":" + uri.getPort() : originHost;
		if (host != null && authority.equalsIgnoreCase(host)) {
			return true;
		}
		return !this.production && LOCAL.contains(originHost);
	}

}
