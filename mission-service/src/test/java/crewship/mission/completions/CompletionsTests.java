package crewship.mission.completions;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import crewship.mission.runtimes.llm.LlmProperties;
import crewship.mission.runtimes.llm.ProviderClient;
import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Completions without a provider to answer them. */
class CompletionsTests {

	@Test
	void withoutAnOperatorKeyItIsUnavailableAndSaysWhatToSet() {
		LlmProperties properties = new LlmProperties("development", "anthropic",
				Map.of("anthropic",
						new LlmProperties.Provider("anthropic", URI.create("http://127.0.0.1:1"), "claude-sonnet-4-5",
								"ANTHROPIC_API_KEY", "", Map.of())),
				1024, Duration.ofSeconds(1), Duration.ofSeconds(5),
				new LlmProperties.Retry(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1)),
				new LlmProperties.Breaker(50, 10, 10, Duration.ofSeconds(10)));
		WorkspaceKeys none = new WorkspaceKeys(null, null, null, null, null) {
			@Override
			Optional<Key> find(String workspaceId, String provider) {
				return Optional.empty();
			}
		};
		Completions completions = new Completions(new ProviderClient(properties), properties, none);

		ProblemException refused = catchThrowableOfType(ProblemException.class, () -> completions
			.complete(new CompletionController.CompletionRequest("ws_1", "skill.generate", null, null, "x", null)));

		assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(refused.getBody().getDetail())
			.contains("store an ACTIVE API_KEY credential with provider ANTHROPIC in the vault")
			.contains("set CREWSHIP_ANTHROPIC_API_KEY")
			.contains("Nothing was generated");
	}

}
