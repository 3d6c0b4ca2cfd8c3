package crewship.issue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's metrics are scraped from its management port, never pushed to a collector
 * nobody configured: with the OTLP registry on the classpath Boot 4 would push to
 * localhost:4318 every minute and log a failure each time. The platform's defaults turn
 * that off for every service; this one stands for them.
 */
class MetricsExportTests extends IssueTestSupport {

	@Autowired
	ObjectProvider<OtlpMeterRegistry> otlp;

	@Autowired
	ObjectProvider<PrometheusMeterRegistry> prometheus;

	@Test
	void metricsAreScrapedAndNotPushedUnlessACollectorIsConfigured() {
		assertThat(this.otlp.getIfAvailable()).as("an OTLP push registry").isNull();
		assertThat(this.prometheus.getIfAvailable()).as("the scraped registry").isNotNull();
	}

}
