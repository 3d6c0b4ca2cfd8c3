package crewship.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A model provider for the benchmark: Anthropic's Messages API answering every request
 * with a streamed text after a set delay, one virtual thread per call, counting calls and
 * the most it held at once. The third-party API is the one part of a run we do not run
 * ourselves; its delay stands for the model's time.
 */
final class ProviderStandIn implements AutoCloseable {

	private final HttpServer server;

	private volatile Duration delay;

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger peak = new AtomicInteger();

	private final AtomicLong calls = new AtomicLong();

	ProviderStandIn(Duration delay) throws IOException {
		this.delay = delay;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/v1/messages", this::answer);
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	Duration delay() {
		return this.delay;
	}

	/** A new delay for the calls that arrive from now on, and a new peak count. */
	void answerAfter(Duration delay) {
		this.delay = delay;
		this.peak.set(this.open.get());
	}

	long calls() {
		return this.calls.get();
	}

	/** The most calls the stand-in held at once. */
	int peak() {
		return this.peak.get();
	}

	private void answer(HttpExchange exchange) throws IOException {
		int now = this.open.incrementAndGet();
		this.peak.accumulateAndGet(now, Math::max);
		this.calls.incrementAndGet();
		try (exchange) {
			exchange.getRequestBody().readAllBytes();
			Thread.sleep(this.delay);
			byte[] body = stream().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.open.decrementAndGet();
		}
	}

	/** A Messages API stream: one text block in three deltas, usage, end of turn. */
	private static String stream() {
		StringBuilder sse = new StringBuilder();
		sse.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\","
				+ "\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":120,\"output_tokens\":1}}}\n\n");
		sse.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
				+ "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
		for (String delta : new String[] { "Looked at ", "the delivery; ", "nothing to do." }) {
			sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
					+ "\"delta\":{\"type\":\"text_delta\",\"text\":\"")
				.append(delta)
				.append("\"}}\n\n");
		}
		sse.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
		sse.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
				+ "\"usage\":{\"output_tokens\":12}}\n\n");
		sse.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
		return sse.toString();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
