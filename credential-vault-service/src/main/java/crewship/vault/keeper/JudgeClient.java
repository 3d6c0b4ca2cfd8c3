package crewship.vault.keeper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import crewship.vault.probes.EndpointFence;
import crewship.vault.probes.ProbeProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to an Ollama judge: {@code GET /api/tags} for its models and
 * {@code POST /api/generate} for a verdict. Every call passes the vault's endpoint fence,
 * follows no redirect, is bounded in time and in the size of what it reads, and never
 * quotes the endpoint's userinfo (sent as basic auth) in what it reports.
 */
@Component
class JudgeClient {

	static final int MAX_BODY = 1 << 20;

	private static final Pattern WORD = Pattern.compile("\\b(ALLOW|DENY|ESCALATE)\\b");

	private static final ExecutorService READERS = Executors.newVirtualThreadPerTaskExecutor();

	private final EndpointFence fence;

	private final JsonMapper json;

	private final HttpClient http;

	JudgeClient(EndpointFence fence, ProbeProperties probes, JsonMapper json) {
		this.fence = fence;
		this.json = json;
		this.http = HttpClient.newBuilder()
			.connectTimeout(probes.connectTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * The endpoint's answer to a model listing; {@code error} set when it did not give
	 * one.
	 */
	record Models(boolean ok, List<String> models, String error, long latencyMs) {
	}

	/** A parsed verdict; {@code error} set when the judge gave none. */
	record Verdict(String decision, String reason, Integer riskScore, String raw, String error, long latencyMs) {

		boolean ok() {
			return this.error == null;
		}

	}

	Models models(URI endpoint, Duration timeout) {
		long started = System.nanoTime();
		try {
			Reply response = send(endpoint, "/api/tags", null, timeout);
			String body = response.body();
			long latency = millisSince(started);
			if (response.statusCode() / 100 != 2) {
				return new Models(false, List.of(), "The endpoint answered " + response.statusCode(), latency);
			}
			List<String> names = new ArrayList<>();
			JsonNode models = this.json.readTree(body).path("models");
			for (JsonNode model : models) {
				String name = model.path("name").asString(null);
				if (name != null) {
					names.add(name);
				}
			}
			return new Models(true, names, null, latency);
		}
		catch (Refused ex) {
			return new Models(false, List.of(), ex.getMessage(), 0);
		}
		catch (HttpTimeoutException ex) {
			return new Models(false, List.of(), "The endpoint did not answer in time", millisSince(started));
		}
		catch (IOException | RuntimeException ex) {
			return new Models(false, List.of(), "The endpoint could not be reached or did not answer as Ollama",
					millisSince(started));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Models(false, List.of(), "Interrupted", millisSince(started));
		}
	}

	Verdict verdict(URI endpoint, String model, String prompt, Duration timeout) {
		long started = System.nanoTime();
		try {
			String request = this.json
				.writeValueAsString(Map.of("model", model, "prompt", prompt, "stream", false, "format", "json"));
			Reply response = send(endpoint, "/api/generate", request, timeout);
			String body = response.body();
			long latency = millisSince(started);
			if (response.statusCode() / 100 != 2) {
				return new Verdict(null, null, null, null, "The judge answered " + response.statusCode(), latency);
			}
			String text = this.json.readTree(body).path("response").asString("");
			return parse(text, latency);
		}
		catch (Refused ex) {
			return new Verdict(null, null, null, null, ex.getMessage(), 0);
		}
		catch (HttpTimeoutException ex) {
			return new Verdict(null, null, null, null, "The judge did not answer in time", millisSince(started));
		}
		catch (IOException | RuntimeException ex) {
			return new Verdict(null, null, null, null, "The judge could not be reached", millisSince(started));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Verdict(null, null, null, null, "Interrupted", millisSince(started));
		}
	}

	/**
	 * One verdict from a hosted model ({@code anthropic} Messages or {@code openai} Chat
	 * Completions at {@code base}); the key goes only into its auth header.
	 */
	Verdict hostedVerdict(String provider, URI base, String apiKey, String model, String prompt, Duration timeout) {
		long started = System.nanoTime();
		try {
			Map<String, Object> message = Map.of("role", "user", "content", prompt);
			Reply response;
			if ("anthropic".equals(provider)) {
				response = send(base, "/v1/messages",
						this.json.writeValueAsString(
								Map.of("model", model, "max_tokens", 300, "messages", List.of(message))),
						timeout, Map.of("x-api-key", apiKey, "anthropic-version", "2023-06-01"));
			}
			else {
				response = send(base, "/v1/chat/completions",
						this.json.writeValueAsString(
								Map.of("model", model, "max_tokens", 300, "messages", List.of(message))),
						timeout, Map.of("Authorization", "Bearer " + apiKey));
			}
			long latency = millisSince(started);
			if (response.statusCode() == 401 || response.statusCode() == 403) {
				return new Verdict(null, null, null, null,
						"The provider refused the key (" + response.statusCode() + ")", latency);
			}
			if (response.statusCode() / 100 != 2) {
				return new Verdict(null, null, null, null, "The provider answered " + response.statusCode(), latency);
			}
			JsonNode body = this.json.readTree(response.body());
			String text = "anthropic".equals(provider) ? body.path("content").path(0).path("text").asString("")
					: body.path("choices").path(0).path("message").path("content").asString("");
			return parse(text, latency);
		}
		catch (Refused ex) {
			return new Verdict(null, null, null, null, ex.getMessage(), 0);
		}
		catch (HttpTimeoutException ex) {
			return new Verdict(null, null, null, null, "The provider did not answer in time", millisSince(started));
		}
		catch (IOException | RuntimeException ex) {
			return new Verdict(null, null, null, null, "The provider could not be reached", millisSince(started));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Verdict(null, null, null, null, "Interrupted", millisSince(started));
		}
	}

	/** The model's JSON verdict, or failing that the first verdict word in its text. */
	Verdict parse(String text, long latency) {
		String raw = (text.length() > 8192) ? text.substring(0, 8192) : text;
		try {
			JsonNode node = this.json.readTree(text);
			String decision = node.path("decision").asString("").trim().toUpperCase(Locale.ROOT);
			if (List.of("ALLOW", "DENY", "ESCALATE").contains(decision)) {
				Integer risk = node.path("risk_score").canConvertToInt() ? node.path("risk_score").asInt() : null;
				if (risk != null) {
					risk = Math.max(1, Math.min(10, risk));
				}
				String reason = node.path("reason").asString("");
				return new Verdict(decision, reason.length() > 2000 ? reason.substring(0, 2000) : reason, risk, raw,
						null, latency);
			}
		}
		catch (RuntimeException ex) {
			// not JSON: look for a verdict word below
		}
		Matcher word = WORD.matcher(text.toUpperCase(Locale.ROOT));
		if (word.find()) {
			return new Verdict(word.group(1), "", null, raw, null, latency);
		}
		return new Verdict(null, null, null, raw, "The judge's answer holds no verdict", latency);
	}

	private record Reply(int statusCode, String body) {
	}

	/**
	 * One exchange within {@code timeout} in all, headers and body: the body is read
	 * under the same deadline and closed when it passes.
	 */
	private Reply send(URI endpoint, String path, String jsonBody, Duration timeout)
			throws IOException, InterruptedException {
		return send(endpoint, path, jsonBody, timeout, Map.of());
	}

	private Reply send(URI endpoint, String path, String jsonBody, Duration timeout, Map<String, String> headers)
			throws IOException, InterruptedException {
		Optional<String> refusal = this.fence.refusal(endpoint);
		if (refusal.isPresent()) {
			throw new Refused(refusal.get());
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		URI target = URI.create(KeeperConfigs.withUserinfo(endpoint, null).toString().replaceAll("/+$", "") + path);
		HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout);
		String userinfo = endpoint.getRawUserInfo();
		if (userinfo != null) {
			String decoded = URLDecoder.decode(userinfo, StandardCharsets.UTF_8);
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8)));
		}
		headers.forEach(request::header);
		if (jsonBody != null) {
			request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(jsonBody));
		}
		else {
			request.GET();
		}
		HttpResponse<InputStream> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body()) {
			Future<byte[]> reading = READERS.submit(() -> body.readNBytes(MAX_BODY));
			try {
				byte[] bytes = reading.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				return new Reply(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
			}
			catch (TimeoutException ex) {
				reading.cancel(true);
				throw new HttpTimeoutException("body not read in time");
			}
			catch (ExecutionException ex) {
				throw new IOException(ex.getCause());
			}
		}
	}

	private static long millisSince(long started) {
		return (System.nanoTime() - started) / 1_000_000;
	}

	/** The fence refused the address; nothing was dialled. */
	private static final class Refused extends IOException {

		Refused(String message) {
			super(message);
		}

	}

}
