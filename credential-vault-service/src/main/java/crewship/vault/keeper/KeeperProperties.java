package crewship.vault.keeper;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The boot-time Keeper settings ({@code KEEPER_*}); a workspace's overrides sit on top
 * (see {@link KeeperConfigs}). A null setting was not given and reports as
 * {@code source: default}.
 *
 * @param enabled {@code KEEPER_ENABLED}
 * @param judgeEndpointUrl {@code KEEPER_JUDGE_ENDPOINT_URL}, an Ollama base URL
 * @param judgeModel {@code KEEPER_JUDGE_MODEL}
 * @param judgeTimeoutMs {@code KEEPER_JUDGE_TIMEOUT_MS} (default 5000)
 * @param judgeProfile {@code KEEPER_JUDGE_PROFILE} (default {@code balanced})
 * @param healthWindow how far back {@code /health} looks (default 1 h)
 * @param healthMinSamples decisions needed before an alarm may stand (default 20)
 * @param alarmProgressedRate alarm when fewer decisions progress (default 0.25)
 * @param alarmJudgeFailureRate alarm when this many judge calls fail (default 0.5)
 * @param probesPerMinute the instance-wide budget of judge probes (default 30)
 */
@ConfigurationProperties("crewship.vault.keeper")
public record KeeperProperties(Boolean enabled, String judgeEndpointUrl, String judgeModel, Integer judgeTimeoutMs,
		String judgeProfile, Duration healthWindow, Integer healthMinSamples, Double alarmProgressedRate,
		Double alarmJudgeFailureRate, Integer probesPerMinute) {

	static final int DEFAULT_TIMEOUT_MS = 5000;

	public KeeperProperties {
		judgeEndpointUrl = blankToNull(judgeEndpointUrl);
		judgeModel = blankToNull(judgeModel);
		judgeProfile = blankToNull(judgeProfile);
		healthWindow = (healthWindow != null) ? healthWindow : Duration.ofHours(1);
		healthMinSamples = (healthMinSamples != null) ? healthMinSamples : 20;
		alarmProgressedRate = (alarmProgressedRate != null) ? alarmProgressedRate : 0.25;
		alarmJudgeFailureRate = (alarmJudgeFailureRate != null) ? alarmJudgeFailureRate : 0.5;
		probesPerMinute = (probesPerMinute != null) ? probesPerMinute : 30;
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
