package crewship.realtime.sessions;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Who on this replica listens to which channel. Delivery only queues on each client's own
 * bounded buffer, so it never waits for any client.
 */
public class Subscribers {

	private final Map<String, Set<Connection>> byChannel = new ConcurrentHashMap<>();

	void add(String channel, Connection connection) {
		connection.channels().add(channel);
		this.byChannel.computeIfAbsent(channel, key -> ConcurrentHashMap.newKeySet()).add(connection);
	}

	void remove(String channel, Connection connection) {
		connection.channels().remove(channel);
		this.byChannel.computeIfPresent(channel, (key, connections) -> {
			connections.remove(connection);
			return connections.isEmpty() ? null : connections;
		});
	}

	void removeAll(Connection connection) {
		Set.copyOf(connection.channels()).forEach(channel -> remove(channel, connection));
	}

	/**
	 * Queues one serialized frame for every subscriber of the channel that still may
	 * receive it. @return how many clients it was queued for
	 */
	public int deliver(String channel, String frame, Predicate<Connection> mayReceive) {
		Set<Connection> connections = this.byChannel.get(channel);
		if (connections == null) {
			return 0;
		}
		int queued = 0;
		for (Connection connection : connections) {
			if (mayReceive.test(connection) && connection.offer(frame)) {
				queued++;
			}
		}
		return queued;
	}

	public boolean hasSubscribers(String channel) {
		return this.byChannel.containsKey(channel);
	}

}
