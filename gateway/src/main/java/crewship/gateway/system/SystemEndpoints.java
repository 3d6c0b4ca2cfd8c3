package crewship.gateway.system;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import reactor.core.publisher.Mono;

import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.info.GitProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import crewship.gateway.edge.EdgeIdentityFilter;
import crewship.platform.identity.IdentityAssertion;

/**
 * The system endpoints the gateway answers itself (ARCHITECTURE.md), for any
 * authenticated caller (the spec: no workspace role needed; anonymous is 401):
 * <ul>
 * <li>{@code GET /api/v1/system/version}: which build this is (Maven version, git commit,
 * build time) — there is no release feed, so {@code latest} and {@code url} are
 * null;</li>
 * <li>{@code GET /api/v1/system/runtime}: the container runtime of the spec, which this
 * suite does not run ({@code available: false}), and the gateway JVM's version, uptime,
 * processors and memory;</li>
 * <li>{@code GET /api/v1/crewshipd}: the run engine's state from mission-service
 * ({@link EngineStatus}) in the crew pages' status vocabulary; {@code not_configured}
 * only when no engine status source is wired;</li>
 * <li>{@code GET /api/v1/system/aux-status} is {@link AuxStatusEndpoint}'s:
 * mission-service resolves the auxiliary models.</li>
 * </ul>
 */
public class SystemEndpoints {

	private final BuildProperties build;

	private final GitProperties git;

	private final EngineStatus engine;

	/**
	 * @param build from {@code META-INF/build-info.properties}; null when the build did
	 * not write it
	 * @param git from {@code git.properties}; null when built outside a checkout
	 * @param engine where crewshipd's status comes from; null → {@code not_configured}
	 */
	public SystemEndpoints(BuildProperties build, GitProperties git, EngineStatus engine) {
		this.build = build;
		this.git = git;
		this.engine = engine;
	}

	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route()
			.GET("/api/v1/system/version", request -> ok(version()))
			.GET("/api/v1/system/runtime", request -> ok(runtime()))
			.GET("/api/v1/crewshipd",
					request -> (this.engine != null) ? this.engine.status().flatMap(SystemEndpoints::ok)
							: ok(CrewshipdStatus.NOT_CONFIGURED))
			.filter(authenticated())
			.build();
	}

	VersionInfo version() {
		String commit = (this.git != null && this.git.getCommitId() != null) ? this.git.getCommitId() : "";
		String dirty = (this.git != null) ? this.git.get("dirty") : null;
		Instant built = (this.build != null) ? this.build.getTime() : null;
		return new VersionInfo((this.build != null) ? this.build.getVersion() : "dev", null, false, null, commit,
				(built != null) ? built.toString() : "", (dirty != null) ? Boolean.valueOf(dirty) : null,
				Runtime.version().toString(), os(), arch(), null);
	}

	RuntimeInfo runtime() {
		RuntimeMXBean jvm = ManagementFactory.getRuntimeMXBean();
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		Map<String, Long> memory = new LinkedHashMap<>();
		memory.put("heap_used_bytes", heap.getUsed());
		memory.put("heap_committed_bytes", heap.getCommitted());
		memory.put("heap_max_bytes", heap.getMax());
		memory.put("non_heap_used_bytes", ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed());
		return new RuntimeInfo(false, null, null, null, List.of(), Map.of(), Runtime.version().toString(),
				jvm.getVmVendor(), jvm.getVmName(), Instant.ofEpochMilli(jvm.getStartTime()).toString(),
				Duration.ofMillis(jvm.getUptime()).toSeconds(), Runtime.getRuntime().availableProcessors(), memory,
				os(), arch());
	}

	private static String os() {
		return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
	}

	private static String arch() {
		return System.getProperty("os.arch");
	}

	private static Mono<ServerResponse> ok(Object body) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

	/**
	 * Any authenticated caller; anonymous (and no identity at all) is 401 problem+json.
	 */
	static HandlerFilterFunction<ServerResponse, ServerResponse> authenticated() {
		return (request, next) -> EdgeIdentityFilter.identity(request.exchange())
			.filter(IdentityAssertion::isAuthenticated)
			.map(caller -> next.handle(request))
			.orElseGet(() -> unauthorized(request));
	}

	private static Mono<ServerResponse> unauthorized(ServerRequest request) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", HttpStatus.UNAUTHORIZED.getReasonPhrase());
		problem.put("status", 401);
		problem.put("detail", "Authentication required");
		problem.put("instance", request.path());
		return ServerResponse.status(HttpStatus.UNAUTHORIZED)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(problem);
	}

	/**
	 * {@code GET /api/v1/system/version}, the fields of the spec. {@code javaVersion}
	 * stands where the spec has {@code go_version}. {@code schemaVersion} is left out
	 * (the schema has an integer, never null) because each service migrates its own
	 * database (their {@code /readyz} waits for it); {@code dirty} is left out when the
	 * build knew no git state.
	 */
	record VersionInfo(String current, String latest, boolean newer, String url, String commit, String buildTime,
			@JsonInclude(JsonInclude.Include.NON_NULL) Boolean dirty, String javaVersion, String os, String arch,
			@JsonInclude(JsonInclude.Include.NON_NULL) Long schemaVersion) {
	}

	/**
	 * {@code GET /api/v1/system/runtime}: the spec's container-runtime fields (none
	 * here), then the JVM's.
	 */
	record RuntimeInfo(boolean available, String runtime, String socket, String version, List<Object> runtimes,
			Map<String, String> installLinks, String javaVersion, String javaVendor, String javaVm, String startedAt,
			long uptimeSeconds, int processors, Map<String, Long> memory, String os, String arch) {
	}

	/**
	 * {@code GET /api/v1/crewshipd}; {@code version} (a string in the schema) is left out
	 * while there is no crewshipd to report one.
	 */
	record CrewshipdStatus(String status, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String version) {

		static final CrewshipdStatus NOT_CONFIGURED = new CrewshipdStatus("not_configured",
				"This installation runs no crewshipd sidecar: crew containers, their files and "
						+ "IPC are not available",
				null);

	}

}
