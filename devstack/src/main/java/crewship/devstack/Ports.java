package crewship.devstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Port checks: is it free to bind, does something answer on it. */
final class Ports {

	private Ports() {
	}

	static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress("0.0.0.0", port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static boolean answers(String host, int port, Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * @throws DevstackException naming the port and who needs it
	 */
	static void requireFree(int port, String owner) {
		if (!isFree(port)) {
			throw new DevstackException("Port " + port + " (" + owner + ") is already in use. Stop whatever holds it "
					+ "(e.g. another ./crewship-dev: ss -ltnp 'sport = :" + port + "'), or set CREWSHIP_PORT_OFFSET.");
		}
	}

}
