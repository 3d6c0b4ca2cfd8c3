package crewship.mission.runtimes.llm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import crewship.mission.engine.RunOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Streams one answer from a provider: the Anthropic Messages API
 * ({@code POST /v1/messages}) or an OpenAI-compatible chat completion
 * ({@code POST /v1/chat/completions}), both with {@code stream: true}, each text delta
 * handed on as it arrives.
 * <p>
 * A 429 or 5xx answer (or no answer at all) is retried with exponential backoff,
 * honouring {@code Retry-After}, while nothing has been streamed yet; each retry is a
 * {@code provider.retry} log line of the run. A Resilience4j circuit breaker per provider
 * fails calls fast while the provider keeps failing. Every failure ends as a
 * {@link ProviderFailure} whose message is safe to show: the key never appears in it.
 * <p>
 * Interruption (the engine's stop or timeout) cancels the exchange and closes the
 * response stream, which ends the read at once: the caller gets
 * {@link InterruptedException}.
 */
public class ProviderClient {

	static final String ANTHROPIC_VERSION = "2023-06-01";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** What looks like a key in a provider's error text (OpenAI echoes part of it). */
	private static final Pattern KEY_LIKE = Pattern.compile("(sk-|key-|Bearer\\s+)[A-Za-z0-9_\\-*.]{3,}");

	private static final int ERROR_BODY_LIMIT = 4096;

	private final HttpClient http;

	private final LlmProperties properties;

	private final CircuitBreakerRegistry breakers;

	public ProviderClient(LlmProperties properties) {
		this.properties = properties;
		this.http = HttpClient.newBuilder()
			.connectTimeout(properties.connectTimeout())
			.version(HttpClient.Version.HTTP_1_1)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
		LlmProperties.Breaker breaker = properties.breaker();
		this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.failureRateThreshold(breaker.failureRateThreshold())
			.slidingWindowSize(breaker.slidingWindowSize())
			.minimumNumberOfCalls(breaker.minimumNumberOfCalls())
			.waitDurationInOpenState(breaker.waitInOpenState())
			.permittedNumberOfCallsInHalfOpenState(2)
			.build());
	}

	/** The breaker of a provider, by its configured name. */
	public CircuitBreaker breaker(String provider) {
		return this.breakers.circuitBreaker(provider);
	}

	/**
	 * @param onText receives each text delta in order
	 * @param output the run's log (retries); may be a no-op
	 */
	public Completion stream(LlmProperties.Named provider, ChatRequest chat, String apiKey, Consumer<String> onText,
			RunOutput output) throws InterruptedException, ProviderFailure {
		CircuitBreaker breaker = breaker(provider.name());
		LlmProperties.Retry retry = this.properties.retry();
		HttpRequest request = request(provider, chat, apiKey);
		String last = null;
		for (int attempt = 1; attempt <= Math.max(1, retry.maxAttempts()); attempt++) {
			if (!breaker.tryAcquirePermission()) {
				throw new ProviderFailure(provider.name() + " is failing: its circuit breaker is open after repeated "
						+ "errors" + ((last != null) ? " (last: " + last + ")" : "") + "; retry in a while");
			}
			long started = System.nanoTime();
			CompletableFuture<HttpResponse<InputStream>> future = this.http.sendAsync(request,
					HttpResponse.BodyHandlers.ofInputStream());
			HttpResponse<InputStream> response;
			try {
				response = future.get();
			}
			catch (InterruptedException ex) {
				future.cancel(true);
				breaker.releasePermission();
				throw ex;
			}
			catch (ExecutionException ex) {
				breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex.getCause());
				last = provider.name() + " could not be reached (" + ex.getCause().getClass().getSimpleName() + ")";
				if (attempt < retry.maxAttempts()) {
					pause(output, provider, attempt, backoff(attempt), last);
					continue;
				}
				throw new ProviderFailure(last + " after " + attempt + " attempts");
			}
			int status = response.statusCode();
			if (status == 200) {
				StreamState state = new StreamState();
				try (InputStream body = response.body()) {
					Completion completion = read(provider, body, onText, state);
					breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
					return completion;
				}
				catch (InterruptedException ex) {
					breaker.releasePermission();
					throw ex;
				}
				catch (IOException | StreamError ex) {
					if (Thread.currentThread().isInterrupted()) {
						breaker.releasePermission();
						throw new InterruptedException("Run interrupted while reading " + provider.name());
					}
					breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
					last = provider.name() + "'s stream broke off" + ((ex instanceof StreamError)
							? ": " + redact(ex.getMessage(), apiKey) : " (" + ex.getClass().getSimpleName() + ")");
					if (state.streamed || attempt >= retry.maxAttempts()) {
						throw new ProviderFailure(last);
					}
					pause(output, provider, attempt, backoff(attempt), last);
					continue;
				}
			}
			String error = errorMessage(response, apiKey);
			boolean retryable = status == 429 || status >= 500;
			if (status >= 500) {
				breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, new IOException("HTTP " + status));
			}
			else {
				breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			}
			if (!retryable) {
				throw new ProviderFailure(provider.name()
						+ " rejected the request (" + status + ")" + ((status == 401 || status == 403)
								? ": the bound " + provider.upper() + " key was refused" : "")
						+ (error.isEmpty() ? "" : ": " + error));
			}
			last = provider.name() + " answered " + status + (error.isEmpty() ? "" : " (" + error + ")");
			Duration retryAfter = retryAfter(response);
			if (retryAfter != null && retryAfter.compareTo(retry.maxRetryAfter()) > 0) {
				throw new ProviderFailure(last + "; it asks to retry after " + retryAfter.toSeconds() + " s");
			}
			if (attempt >= retry.maxAttempts()) {
				throw new ProviderFailure(last + "; gave up after " + attempt + " attempts");
			}
			pause(output, provider, attempt, (retryAfter != null) ? retryAfter : backoff(attempt), last);
		}
		throw new ProviderFailure((last != null) ? last : provider.name() + " did not answer");
	}

	private void pause(RunOutput output, LlmProperties.Named provider, int attempt, Duration wait, String why)
			throws InterruptedException {
		output.log("warn", "provider.retry", why + "; retry " + (attempt + 1) + " of "
				+ this.properties.retry().maxAttempts() + " in " + wait.toMillis() + " ms");
		Thread.sleep(wait);
	}

	Duration backoff(int attempt) {
		LlmProperties.Retry retry = this.properties.retry();
		long millis = retry.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
		return Duration.ofMillis(Math.min(millis, retry.maxBackoff().toMillis()));
	}

	static Duration retryAfter(HttpResponse<?> response) {
		String value = response.headers().firstValue("retry-after").orElse(null);
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000));
		}
		catch (NumberFormatException ex) {
			try {
				Duration until = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (RuntimeException unparsable) {
				return null;
			}
		}
	}

	private HttpRequest request(LlmProperties.Named provider, ChatRequest chat, String apiKey) {
		LlmProperties.Provider settings = provider.settings();
		HttpRequest.Builder request = HttpRequest.newBuilder()
			.timeout(this.properties.firstByteTimeout())
			.header("content-type", "application/json")
			.header("accept", "text/event-stream");
		ObjectNode body = JSON.createObjectNode();
		body.put("model", chat.model());
		body.put("max_tokens", chat.maxTokens());
		body.put("stream", true);
		if (settings.anthropic()) {
			request.uri(endpoint(settings.baseUrl(), "/v1/messages"))
				.header("x-api-key", apiKey)
				.header("anthropic-version", ANTHROPIC_VERSION);
			if (chat.system() != null && !chat.system().isBlank()) {
				body.put("system", chat.system());
			}
			if (!chat.tools().isEmpty()) {
				ArrayNode tools = body.putArray("tools");
				for (ChatRequest.Tool tool : chat.tools()) {
					ObjectNode described = tools.addObject().put("name", tool.name());
					if (tool.description() != null) {
						described.put("description", tool.description());
					}
					described.set("input_schema", schema(tool));
				}
				if (chat.toolsOff()) {
					body.putObject("tool_choice").put("type", "none");
				}
			}
			ArrayNode messages = body.putArray("messages");
			for (ChatRequest.Message message : chat.messages()) {
				anthropicMessage(messages.addObject(), message);
			}
		}
		else {
			request.uri(endpoint(settings.baseUrl(), "/v1/chat/completions"))
				.header("authorization", "Bearer " + apiKey);
			body.putObject("stream_options").put("include_usage", true);
			if (!chat.tools().isEmpty()) {
				ArrayNode tools = body.putArray("tools");
				for (ChatRequest.Tool tool : chat.tools()) {
					ObjectNode function = tools.addObject().put("type", "function").putObject("function");
					function.put("name", tool.name());
					if (tool.description() != null) {
						function.put("description", tool.description());
					}
					function.set("parameters", schema(tool));
				}
				if (chat.toolsOff()) {
					body.put("tool_choice", "none");
				}
			}
			ArrayNode messages = body.putArray("messages");
			if (chat.system() != null && !chat.system().isBlank()) {
				messages.addObject().put("role", "system").put("content", chat.system());
			}
			for (ChatRequest.Message message : chat.messages()) {
				openaiMessages(messages, message);
			}
		}
		return request.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
	}

	/** A tool's input schema; a tool that gives none takes an object. */
	private static JsonNode schema(ChatRequest.Tool tool) {
		if (tool.inputSchema() == null || tool.inputSchema().isEmpty()) {
			return JSON.createObjectNode().put("type", "object");
		}
		return JSON.valueToTree(tool.inputSchema());
	}

	/**
	 * The arguments a model wrote, as the object providers expect back; what does not
	 * parse as one becomes an empty object (the call itself was refused already).
	 */
	private static JsonNode arguments(String arguments) {
		try {
			JsonNode parsed = JSON.readTree((arguments == null || arguments.isBlank()) ? "{}" : arguments);
			return parsed.isObject() ? parsed : JSON.createObjectNode();
		}
		catch (RuntimeException ex) {
			return JSON.createObjectNode();
		}
	}

	/**
	 * An Anthropic turn: plain text, or content blocks when it asks for tools
	 * ({@code tool_use}) or answers them ({@code tool_result}).
	 */
	private static void anthropicMessage(ObjectNode target, ChatRequest.Message message) {
		target.put("role", message.role());
		if (message.toolUses().isEmpty() && message.toolResults().isEmpty()) {
			target.put("content", message.content());
			return;
		}
		ArrayNode blocks = target.putArray("content");
		for (ChatRequest.ToolResult result : message.toolResults()) {
			ObjectNode block = blocks.addObject()
				.put("type", "tool_result")
				.put("tool_use_id", result.toolUseId())
				.put("content", result.content());
			if (result.error()) {
				block.put("is_error", true);
			}
		}
		if (message.content() != null && !message.content().isBlank()) {
			blocks.addObject().put("type", "text").put("text", message.content());
		}
		for (ChatRequest.ToolUse use : message.toolUses()) {
			blocks.addObject()
				.put("type", "tool_use")
				.put("id", use.id())
				.put("name", use.name())
				.set("input", arguments(use.arguments()));
		}
	}

	/**
	 * OpenAI-compatible turns: an assistant message with {@code tool_calls}, and one
	 * {@code role: tool} message per result.
	 */
	private static void openaiMessages(ArrayNode messages, ChatRequest.Message message) {
		for (ChatRequest.ToolResult result : message.toolResults()) {
			messages.addObject()
				.put("role", "tool")
				.put("tool_call_id", result.toolUseId())
				.put("content", (result.error() ? "Error: " : "") + result.content());
		}
		if (message.toolUses().isEmpty()) {
			if (message.toolResults().isEmpty() || (message.content() != null && !message.content().isBlank())) {
				messages.addObject().put("role", message.role()).put("content", message.content());
			}
			return;
		}
		ObjectNode assistant = messages.addObject().put("role", message.role());
		if (message.content() != null && !message.content().isBlank()) {
			assistant.put("content", message.content());
		}
		else {
			assistant.putNull("content");
		}
		ArrayNode calls = assistant.putArray("tool_calls");
		for (ChatRequest.ToolUse use : message.toolUses()) {
			ObjectNode call = calls.addObject().put("id", use.id()).put("type", "function");
			call.putObject("function")
				.put("name", use.name())
				.put("arguments", (use.arguments() == null || use.arguments().isBlank()) ? "{}" : use.arguments());
		}
	}

	/**
	 * The base URL with the API path; a base that already ends in {@code /v1} (common for
	 * OpenAI-compatible servers) is not doubled.
	 */
	static URI endpoint(URI base, String path) {
		String root = base.toString().replaceAll("/+$", "");
		if (root.endsWith("/v1")) {
			root = root.substring(0, root.length() - 3);
		}
		return URI.create(root + path);
	}

	/** A tool call as its pieces arrive. */
	private static final class PendingToolUse {

		String id;

		final StringBuilder name = new StringBuilder();

		final StringBuilder arguments = new StringBuilder();

	}

	private static final class StreamState {

		boolean streamed;

	}

	/** The provider reported an error inside the stream, or the stream ended early. */
	static final class StreamError extends Exception {

		StreamError(String message) {
			super(message, null, false, false);
		}

	}

	private Completion read(LlmProperties.Named provider, InputStream body, Consumer<String> onText, StreamState state)
			throws IOException, StreamError, InterruptedException {
		boolean anthropic = provider.settings().anthropic();
		BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
		StringBuilder text = new StringBuilder();
		String model = null;
		long input = 0;
		long output = 0;
		String stop = null;
		boolean done = false;
		// the tools asked for, by the stream's block (Anthropic) or call (OpenAI) index
		java.util.SortedMap<Integer, PendingToolUse> tools = new java.util.TreeMap<>();
		String event = null;
		StringBuilder data = new StringBuilder();
		String line;
		while (!done && (line = reader.readLine()) != null) {
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedException("Run interrupted while reading " + provider.name());
			}
			if (!line.isEmpty()) {
				if (line.startsWith("event:")) {
					event = line.substring(6).trim();
				}
				else if (line.startsWith("data:")) {
					if (!data.isEmpty()) {
						data.append('\n');
					}
					data.append(line.substring(5).stripLeading());
				}
				continue;
			}
			if (data.isEmpty()) {
				event = null;
				continue;
			}
			String payload = data.toString();
			data.setLength(0);
			if (!anthropic && "[DONE]".equals(payload)) {
				done = true;
				continue;
			}
			JsonNode json = JSON.readTree(payload);
			String type = anthropic ? json.path("type").asString(event != null ? event : "") : null;
			event = null;
			if (json.has("error") && (!anthropic || "error".equals(type))) {
				JsonNode error = json.get("error");
				throw new StreamError(error.path("type").asString("error") + ": " + error.path("message").asString(""));
			}
			if (anthropic) {
				switch (type) {
					case "message_start" -> {
						JsonNode message = json.path("message");
						model = message.path("model").asString(model);
						JsonNode usage = message.path("usage");
						input = usage.path("input_tokens").asLong(0)
								+ usage.path("cache_creation_input_tokens").asLong(0)
								+ usage.path("cache_read_input_tokens").asLong(0);
						output = usage.path("output_tokens").asLong(0);
					}
					case "content_block_start" -> {
						JsonNode block = json.path("content_block");
						if ("tool_use".equals(block.path("type").asString(""))) {
							PendingToolUse tool = tools.computeIfAbsent(json.path("index").asInt(tools.size()),
									index -> new PendingToolUse());
							tool.id = block.path("id").asString(null);
							tool.name.append(block.path("name").asString(""));
						}
					}
					case "content_block_delta" -> {
						JsonNode delta = json.path("delta");
						String kind = delta.path("type").asString("");
						if ("text_delta".equals(kind)) {
							emit(delta.path("text").asString(""), text, onText, state);
						}
						else if ("input_json_delta".equals(kind)) {
							PendingToolUse tool = tools.get(json.path("index").asInt(-1));
							if (tool != null) {
								tool.arguments.append(delta.path("partial_json").asString(""));
							}
						}
					}
					case "message_delta" -> {
						JsonNode usage = json.path("usage");
						if (usage.has("output_tokens")) {
							output = usage.path("output_tokens").asLong(output);
						}
						if (usage.has("input_tokens")) {
							input = usage.path("input_tokens").asLong(input);
						}
						stop = json.path("delta").path("stop_reason").asString(stop);
					}
					case "message_stop" -> done = true;
					default -> {
						// ping, content_block_stop
					}
				}
			}
			else {
				if (json.hasNonNull("model")) {
					model = json.get("model").asString();
				}
				JsonNode choice = json.path("choices").path(0);
				JsonNode content = choice.path("delta").path("content");
				if (content.isString()) {
					emit(content.asString(), text, onText, state);
				}
				for (JsonNode call : choice.path("delta").path("tool_calls")) {
					PendingToolUse tool = tools.computeIfAbsent(call.path("index").asInt(tools.size()),
							index -> new PendingToolUse());
					if (call.hasNonNull("id")) {
						tool.id = call.get("id").asString();
					}
					JsonNode function = call.path("function");
					tool.name.append(function.path("name").asString(""));
					tool.arguments.append(function.path("arguments").asString(""));
				}
				if (choice.hasNonNull("finish_reason")) {
					stop = choice.get("finish_reason").asString();
				}
				JsonNode usage = json.path("usage");
				if (usage.isObject()) {
					input = usage.path("prompt_tokens").asLong(input);
					output = usage.path("completion_tokens").asLong(output);
				}
			}
		}
		if (Thread.currentThread().isInterrupted()) {
			throw new InterruptedException("Run interrupted while reading " + provider.name());
		}
		if (!done && !(!anthropic && stop != null)) {
			throw new StreamError("the stream ended before the answer was complete");
		}
		List<ChatRequest.ToolUse> uses = new ArrayList<>();
		for (PendingToolUse tool : tools.values()) {
			if (tool.name.isEmpty()) {
				continue;
			}
			String id = (tool.id != null && !tool.id.isBlank()) ? tool.id : "call_" + uses.size();
			uses.add(new ChatRequest.ToolUse(id, tool.name.toString(),
					tool.arguments.isEmpty() ? "{}" : tool.arguments.toString()));
		}
		return new Completion(text.toString(), model, input, output, stop, uses);
	}

	private static void emit(String chunk, StringBuilder text, Consumer<String> onText, StreamState state) {
		if (chunk.isEmpty()) {
			return;
		}
		state.streamed = true;
		text.append(chunk);
		onText.accept(chunk);
	}

	/** The provider's own error message, bounded and redacted; never the key. */
	private static String errorMessage(HttpResponse<InputStream> response, String apiKey) {
		try (InputStream body = response.body()) {
			byte[] bytes = body.readNBytes(ERROR_BODY_LIMIT);
			String raw = new String(bytes, StandardCharsets.UTF_8);
			String message = raw;
			try {
				JsonNode json = JSON.readTree(raw);
				JsonNode error = json.path("error");
				message = error.isObject() ? error.path("message").asString("")
						: (error.isString() ? error.asString() : json.path("message").asString(""));
			}
			catch (RuntimeException notJson) {
				message = "";
			}
			return redact(message, apiKey);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * A provider text as it may be shown: without the key or anything like one, bounded.
	 */
	static String redact(String text, String apiKey) {
		if (text == null) {
			return "";
		}
		String safe = text;
		if (apiKey != null && !apiKey.isBlank()) {
			safe = safe.replace(apiKey, "[redacted]");
			if (apiKey.length() > 12) {
				// a provider echoing a part of the key (prefix…suffix)
				safe = safe.replace(apiKey.substring(0, 8), "[redacted]")
					.replace(apiKey.substring(apiKey.length() - 4), "[redacted]");
			}
		}
		safe = KEY_LIKE.matcher(safe).replaceAll("[redacted]").strip();
		return (safe.length() > 300) ? safe.substring(0, 300) + "…" : safe;
	}

	/**
	 * The messages of a run as a provider accepts them: alternating, starting with the
	 * user.
	 */
	static List<ChatRequest.Message> alternate(List<ChatRequest.Message> turns) {
		List<ChatRequest.Message> merged = new ArrayList<>();
		for (ChatRequest.Message turn : turns) {
			String role = "assistant".equalsIgnoreCase(turn.role()) ? "assistant" : "user";
			if (turn.content() == null || turn.content().isBlank()) {
				continue;
			}
			if (!merged.isEmpty() && merged.getLast().role().equals(role)) {
				ChatRequest.Message previous = merged.removeLast();
				merged.add(new ChatRequest.Message(role, previous.content() + "\n\n" + turn.content()));
			}
			else {
				merged.add(new ChatRequest.Message(role, turn.content()));
			}
		}
		if (!merged.isEmpty() && merged.getFirst().role().equals("assistant")) {
			merged.addFirst(new ChatRequest.Message("user", "(earlier conversation)"));
		}
		return merged;
	}

}
