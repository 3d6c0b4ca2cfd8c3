package crewship.crew.integrations;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import crewship.crew.InternalListenerStandIn;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * One WireMock for every third-party HTTP API crew-service's integrations call (the MCP
 * registry, Composio, OAuth authorization servers, connector providers), started once per
 * test JVM before the context so its URL can be configured; tests stub and reset it. Also
 * plugs {@link FakeVault} into the internal listener's stand-in.
 */
public class ThirdPartyStandIns implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static WireMockServer wireMock;

	public static synchronized WireMockServer wireMock() {
		if (wireMock == null) {
			wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
			wireMock.start();
			Runtime.getRuntime().addShutdownHook(new Thread(wireMock::stop, "wiremock-stop"));
		}
		return wireMock;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		String base = wireMock().baseUrl();
		InternalListenerStandIn.otherRoutes = new FakeVault();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("thirdPartyStandIns",
					Map.of("crewship.mcp-registry.url", base + "/registry/v0/servers", "crewship.composio.base-url",
							base + "/composio", "crewship.connectors.api-base-urls.github", base + "/github",
							"crewship.connectors.api-base-urls.sentry", base + "/sentry",
							"crewship.connectors.api-base-urls.linear", base + "/linear",
							"crewship.connectors.api-base-urls.slack", base + "/slack", "crewship.oauth.public-url",
							"https://crewship.test")));
	}

}
