package crewship.crew.provider;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import crewship.platform.internal.InternalProperties;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The run engine's model provider, for crew-service's one-shot authoring calls (skill
 * generation, the AI crew wizard). The providers, their keys and their breakers are
 * mission-service's; crew-service asks it through the gateway's internal listener:
 *
 * <pre>
 * POST /api/v1/internal/completions
 * {"workspace_id","purpose","model"?,"system","prompt","max_tokens"}
 * → 200 {"text","provider","model"}
 * → 503 problem naming the provider or credential that is missing
 * → 502 problem when the provider failed
 * </pre>
 *
 * A run engine that does not serve the call (not deployed, or older), or cannot be
 * reached, is the same for the caller as no provider: a 503 problem that says so, never a
 * made-up answer.
 */
@Component
public class RunEngineProvider {

	static final String PATH = "/api/v1/internal/completions";

	static final Duration RETRY_AFTER = Duration.ofSeconds(30);

	private static final Logger log = LoggerFactory.getLogger(RunEngineProvider.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final RestClient engine;

	RunEngineProvider(RestClient.Builder builder, InternalProperties internal,
			@Value("${crewship.provider.timeout:60s}") Duration timeout) {
		JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
				HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
		requests.setReadTimeout(timeout);
		RestClient.Builder client = builder.clone().requestFactory(requests);
		if (internal.baseUrl() != null) {
			client.baseUrl(internal.baseUrl().toString());
		}
		if (internal.token() != null && !internal.token().isBlank()) {
			client.defaultHeader(InternalProperties.TOKEN_HEADER, internal.token());
		}
		this.engine = client.build();
	}

	/** What the provider answered. */
	public record Completion(String text, String provider, String model) {
	}

	/**
	 * @param purpose what the call is for ({@code skill.generate}, {@code crew.suggest}),
	 * recorded by the engine with its cost
	 * @param model a model to use instead of the engine's default, or null
	 * @throws ProblemException 503 naming what is missing when no provider can answer,
	 * 502 when the provider failed
	 */
	public Completion complete(String workspaceId, String purpose, String model, String system, String prompt,
			int maxTokens) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("workspace_id", workspaceId);
		body.put("purpose", purpose);
		if (model != null && !model.isBlank()) {
			body.put("model", model);
		}
		body.put("system", system);
		body.put("prompt", prompt);
		body.put("max_tokens", maxTokens);
		try {
			return this.engine.post()
				.uri(PATH)
				.contentType(MediaType.APPLICATION_JSON)
				.body(body)
				.exchange((request, response) -> {
					int status = response.getStatusCode().value();
					JsonNode answer = readQuietly(response);
					if (status == 200 && answer != null && answer.path("text").isString()) {
						return new Completion(answer.get("text").asString(), text(answer, "provider"),
								text(answer, "model"));
					}
					String detail = (answer != null) ? text(answer, "detail") : null;
					if (status == HttpStatus.SERVICE_UNAVAILABLE.value() && detail != null) {
						throw ProblemException.unavailable(detail, RETRY_AFTER);
					}
					if (status == HttpStatus.BAD_GATEWAY.value() && detail != null) {
						throw new ProblemException(HttpStatus.BAD_GATEWAY, detail);
					}
					if (status == HttpStatus.NOT_FOUND.value() || status == HttpStatus.SERVICE_UNAVAILABLE.value()) {
						throw notServed("the run engine does not serve provider calls on this server");
					}
					log.warn("Provider call for {} answered {}", purpose, status);
					throw new ProblemException(HttpStatus.BAD_GATEWAY,
							"The run engine's provider call failed (" + status + ")");
				});
		}
		catch (RestClientException ex) {
			log.info("Provider call for {} could not reach the run engine: {}", purpose, ex.toString());
			throw notServed("the run engine (mission-service) could not be reached");
		}
	}

	private static ProblemException notServed(String why) {
		return ProblemException.unavailable("No model provider is available: AI authoring goes through the run "
				+ "engine's provider (ANTHROPIC or OPENAI, with an ACTIVE API_KEY credential of the workspace), and "
				+ why + ". Nothing was generated.", RETRY_AFTER);
	}

	private static JsonNode readQuietly(org.springframework.http.client.ClientHttpResponse response) {
		try {
			return JSON.readTree(response.getBody());
		}
		catch (Exception ex) {
			return null;
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

}
