package crewship.cli.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import crewship.cli.Api;
import crewship.cli.Failure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The server's {@code /ws} as the CLI follows it: a 60-second WebSocket token from
 * {@code GET /api/v1/ws-token} (minted for the CLI token), sent as the first message
 * (never in the URL, which proxies log), then subscriptions. Frames arrive on a queue the
 * command reads at its own pace.
 */
public final class Live implements AutoCloseable {

	private static final Duration ANSWER_WAIT = Duration.ofSeconds(15);

	private static final JsonNode CLOSED = Api.object().put("type", "__closed");

	private final WebSocket socket;

	private final BlockingQueue<JsonNode> frames;

	private Live(WebSocket socket, BlockingQueue<JsonNode> frames) {
		this.socket = socket;
		this.frames = frames;
	}

	/** Connects and authenticates; @throws Failure 4 when the server refuses the token */
	public static Live connect(Api api) {
		String token = api.get("/api/v1/ws-token").get("token").asString();
		URI uri = URI.create(api.server().replaceFirst("^http", "ws") + "/ws");
		BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
		WebSocket socket;
		try {
			socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(10))
				.buildAsync(uri, new Listener(frames))
				.get(20, TimeUnit.SECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw Failure.network("could not open " + uri + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw Failure.network("interrupted");
		}
		Live live = new Live(socket, frames);
		live.send(Api.object().put("type", "auth").put("token", token));
		live.awaitPong("authentication");
		return live;
	}

	/** Subscribes; @throws Failure 4 when the server refuses the channel */
	public void subscribe(String channel) {
		send(Api.object().put("type", "subscribe").put("channel", channel));
		awaitPong(channel);
	}

	public void send(ObjectNode frame) {
		this.socket.sendText(Api.JSON.writeValueAsString(frame), true).join();
	}

	/**
	 * The next event frame, or null when none came within the wait; pings and pongs are
	 * skipped.
	 * @throws Failure 8 when the server closed the socket
	 */
	public JsonNode next(Duration wait) {
		try {
			long deadline = System.nanoTime() + wait.toNanos();
			while (true) {
				long left = deadline - System.nanoTime();
				JsonNode frame = (left > 0) ? this.frames.poll(left, TimeUnit.NANOSECONDS) : null;
				if (frame == null) {
					return null;
				}
				if (frame == CLOSED) {
					throw Failure.network("the server closed the live connection");
				}
				String type = frame.path("type").asString("");
				if (!type.equals("pong") && !type.equals("ping")) {
					return frame;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * A ping's pong proves the frames before it were taken; an error before it refused
	 * them.
	 */
	private void awaitPong(String what) {
		send(Api.object().put("type", "ping"));
		long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				JsonNode frame = this.frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (frame == null) {
					break;
				}
				if (frame == CLOSED) {
					throw Failure.auth("the server closed the live connection (" + what + " refused)");
				}
				String type = frame.path("type").asString("");
				if (type.equals("pong")) {
					return;
				}
				if (type.equals("error")) {
					String reason = frame.path("payload")
						.path("message")
						.asString(frame.path("payload").path("error").asString("refused"));
					throw Failure.auth(what + ": " + reason);
				}
				// an event already: keep it for the command
				this.frames.add(frame);
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw Failure.network("no answer from the server within " + ANSWER_WAIT.toSeconds() + " s (" + what + ")");
	}

	@Override
	public void close() {
		this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(ex -> null);
	}

	private static final class Listener implements WebSocket.Listener {

		private final BlockingQueue<JsonNode> frames;

		private final StringBuilder partial = new StringBuilder();

		Listener(BlockingQueue<JsonNode> frames) {
			this.frames = frames;
		}

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				try {
					this.frames.add(Api.JSON.readTree(this.partial.toString()));
				}
				catch (RuntimeException ex) {
					// not JSON: nothing a command can read
				}
				this.partial.setLength(0);
			}
			socket.request(1);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
			this.frames.add(CLOSED);
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void onError(WebSocket socket, Throwable error) {
			this.frames.add(CLOSED);
		}

	}

}
