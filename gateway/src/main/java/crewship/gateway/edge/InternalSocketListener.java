package crewship.gateway.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.netty.channel.unix.DomainSocketAddress;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * The internal listener on a Unix domain socket ({@code CREWSHIP_INTERNAL_SOCKET}): the
 * seed's "HTTP over Unix socket" layer, so a sidecar in a crew container reaches the
 * internal routes through a mounted socket with no network exposure. File mode 0660: the
 * gateway's user and group only.
 * <p>
 * It serves the same application as the TCP internal listener and is told apart the same
 * way — by the local port {@link EdgeIdentityFilter} reads — so every rule of the
 * internal listener holds here too: only {@code /api/v1/internal/**} and the JWKS, and
 * only with the internal token.
 */
public class InternalSocketListener implements SmartLifecycle {

	private final Path path;

	private final HttpHandler handler;

	private volatile DisposableServer server;

	/**
	 * @param internalPort the TCP internal listener's port, which requests over the
	 * socket present as their local address
	 */
	public InternalSocketListener(Path path, int internalPort, HttpHandler handler) {
		this.path = path;
		InetSocketAddress internal = new InetSocketAddress(InetAddress.getLoopbackAddress(), internalPort);
		InetSocketAddress peer = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
		this.handler = (request, response) -> handler.handle(new ServerHttpRequestDecorator(request) {

			@Override
			public InetSocketAddress getLocalAddress() {
				return internal;
			}

			@Override
			public InetSocketAddress getRemoteAddress() {
				return peer;
			}

		}, response);
	}

	@Override
	public void start() {
		try {
			Files.createDirectories(this.path.toAbsolutePath().getParent());
			// a socket file left by a gateway that was killed refuses the bind
			Files.deleteIfExists(this.path);
			this.server = HttpServer.create()
				.bindAddress(() -> new DomainSocketAddress(this.path.toFile()))
				.handle(new ReactorHttpHandlerAdapter(this.handler))
				.bindNow();
			Files.setPosixFilePermissions(this.path, PosixFilePermissions.fromString("rw-rw----"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot serve the internal listener on " + this.path, ex);
		}
	}

	@Override
	public void stop() {
		DisposableServer running = this.server;
		if (running != null) {
			running.disposeNow();
			this.server = null;
		}
		try {
			Files.deleteIfExists(this.path);
		}
		catch (IOException ex) {
			// a stale file is removed by the next start
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
