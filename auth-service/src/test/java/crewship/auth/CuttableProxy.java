package crewship.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a server that a test can cut off: while cut, every
 * open connection is reset and new ones are closed as soon as they are accepted, as when
 * the server goes down. Lets one Spring context see its Keycloak both up and down.
 */
final class CuttableProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int targetPort;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	CuttableProxy(int targetPort) {
		this.targetPort = targetPort;
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread.ofVirtual().name("proxy-accept").start(this::accept);
	}

	int port() {
		return this.listener.getLocalPort();
	}

	void cut() {
		this.cut = true;
		this.open.forEach(CuttableProxy::closeQuietly);
		this.open.clear();
	}

	void restore() {
		this.cut = false;
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				if (this.cut) {
					closeQuietly(client);
					continue;
				}
				Socket server;
				try {
					server = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				}
				catch (IOException refused) {
					closeQuietly(client);
					continue;
				}
				this.open.add(client);
				this.open.add(server);
				Thread.ofVirtual().start(() -> pump(client, server));
				Thread.ofVirtual().start(() -> pump(server, client));
			}
			catch (IOException ex) {
				// the listener was closed
			}
		}
	}

	private void pump(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// one side went away
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	@Override
	public void close() {
		cut();
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
