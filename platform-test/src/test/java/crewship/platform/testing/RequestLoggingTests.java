package crewship.platform.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.testing.TestHttp.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every log line of a request carries its request id (the gateway's {@code X-Request-Id},
 * or one made here) and its trace id: in the text lines of a developer's run, and in the
 * structured JSON (ECS) lines production writes ({@code CREWSHIP_LOG_FORMAT=ecs}), here
 * produced by Spring Boot's own ECS encoder over this service's environment.
 */
@ServiceTest
@ExtendWith(OutputCaptureExtension.class)
class RequestLoggingTests {

	static final String LOUD = "org.springframework.web";

	@LocalServerPort
	int port;

	TestHttp http;

	final LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());

	@BeforeEach
	void setUp() {
		this.http = new TestHttp("http://localhost:" + this.port);
		// DispatcherServlet's DEBUG lines: two per request, on the request's thread
		this.logging.setLogLevel(LOUD, LogLevel.DEBUG);
	}

	@AfterEach
	void quiet() {
		this.logging.setLogLevel(LOUD, null);
	}

	@Test
	void theGatewaysRequestIdIsAnsweredAndInEveryTextLineBesideTheTraceId(CapturedOutput output) {
		String requestId = "req-" + UUID.randomUUID();
		Response response = this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.user("u1"),
				"X-Request-Id", requestId);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("X-Request-Id")).isEqualTo(requestId);
		List<String> lines = output.getOut().lines().filter(line -> line.contains(requestId)).toList();
		assertThat(lines).as("DispatcherServlet's lines of the request").hasSizeGreaterThanOrEqualTo(2);
		assertThat(lines).allMatch(line -> line.matches(".*\\[[0-9a-f]{32},[0-9a-f]{16}," + requestId + "\\] .*"));
	}

	@Test
	void aRequestWithoutOneGetsItsOwnAndAnUnsafeOneIsReplaced() {
		Response made = this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.user("u1"));
		assertThat(made.header("X-Request-Id")).matches("[A-Za-z0-9._:-]{8,64}");
		Response unsafe = this.http.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.user("u1"),
				"X-Request-Id", "abc\" injected=\"1");
		assertThat(unsafe.header("X-Request-Id")).matches("[A-Za-z0-9._:-]{8,64}")
			.isNotEqualTo(made.header("X-Request-Id"));
	}

	@Test
	void everyEcsJsonLineOfARequestCarriesItsRequestIdAndTraceId() {
		LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
		StructuredLogEncoder encoder = new StructuredLogEncoder();
		encoder.setContext(context);
		encoder.setFormat("ecs");
		encoder.start();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		OutputStreamAppender<ILoggingEvent> json = new OutputStreamAppender<>();
		json.setContext(context);
		json.setEncoder(encoder);
		json.setOutputStream(out);
		json.start();
		Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		root.addAppender(json);
		String requestId = "req-" + UUID.randomUUID();
		try {
			assertThat(this.http
				.get("/api/v1/whoami", IdentityAssertion.HEADER, TestIdentities.user("u1"), "X-Request-Id", requestId)
				.status()).isEqualTo(200);
		}
		finally {
			root.detachAppender(json);
			json.stop();
		}
		JsonMapper mapper = JsonMapper.builder().build();
		List<JsonNode> lines = out.toString(StandardCharsets.UTF_8)
			.lines()
			.map(mapper::readTree)
			.filter(line -> line.at("/log/logger").asString().startsWith(LOUD))
			.filter(line -> line.path("message").asString().contains("/api/v1/whoami")
					|| line.path("message").asString().startsWith("Completed"))
			.toList();
		assertThat(lines).as("the request's ECS lines").hasSizeGreaterThanOrEqualTo(2);
		for (JsonNode line : lines) {
			assertThat(line.path("requestId").asString()).as(line.toString()).isEqualTo(requestId);
			assertThat(line.path("traceId").asString()).as(line.toString()).matches("[0-9a-f]{32}");
			assertThat(line.at("/service/name").asString()).isNotBlank();
			assertThat(line.path("@timestamp").asString()).isNotBlank();
		}
	}

}
