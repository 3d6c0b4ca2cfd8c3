package crewship.platform.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket client for tests (the JDK's), collecting text frames as JSON: realtime's
 * own tests and the system tests through the gateway.
 */
public final class WsClient implements WebSocket.Listener {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

	private final CompletableFuture<Integer> closed = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private WebSocket socket;

	public static WsClient connect(String url, String... headers) {
		WsClient client = new WsClient();
		WebSocket.Builder builder = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5));
		for (int i = 0; i < headers.length; i += 2) {
			builder.header(headers[i], headers[i + 1]);
		}
		client.socket = builder.buildAsync(URI.create(url), client).join();
		return client;
	}

	public void send(String text) {
		this.socket.sendText(text, true).join();
	}

	/**
	 * @return the next frame of that type, skipping others; null after the timeout
	 */
	public JsonNode next(String type, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode frame = this.frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (frame != null && type.equals(frame.get("type").asString())) {
				return frame;
			}
		}
		return null;
	}

	/**
	 * Sends a ping and @return every frame before its pong (all earlier frames handled).
	 */
	public List<JsonNode> roundTrip(String... frames) throws InterruptedException {
		return roundTrip(Duration.ofSeconds(10), frames);
	}

	/**
	 * {@link #roundTrip(String...)} with its own wait for the pong (a replica that has
	 * only just started answers its first frames slowly).
	 */
	public List<JsonNode> roundTrip(Duration timeout, String... frames) throws InterruptedException {
		for (String frame : frames) {
			send(frame);
		}
		send("{\"type\":\"ping\"}");
		List<JsonNode> before = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode frame = this.frames.poll(100, TimeUnit.MILLISECONDS);
			if (frame == null) {
				continue;
			}
			if ("pong".equals(frame.get("type").asString())) {
				return before;
			}
			before.add(frame);
		}
		throw new AssertionError("no pong; before it: " + before);
	}

	public Integer closeCode(Duration timeout) {
		try {
			return this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			return null;
		}
	}

	public void close() {
		this.socket.abort();
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.frames.add(JSON.readTree(this.partial.toString()));
			this.partial.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed.complete(-1);
	}

}
