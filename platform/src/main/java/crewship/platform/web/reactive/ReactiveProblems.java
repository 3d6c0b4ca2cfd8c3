package crewship.platform.web.reactive;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import tools.jackson.databind.json.JsonMapper;

/** Writes problem+json answers from reactive code (the gateway and realtime-service). */
public final class ReactiveProblems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ReactiveProblems() {
	}

	public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String title, String detail) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		java.util.Map<String, Object> problem = new java.util.LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", title);
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", exchange.getRequest().getPath().value());
		DataBuffer body = response.bufferFactory()
			.wrap(JSON.writeValueAsString(problem).getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(body));
	}

	public static Mono<Void> write(ServerWebExchange exchange, HttpStatusCode status, String detail) {
		String title = (status instanceof org.springframework.http.HttpStatus known) ? known.getReasonPhrase()
				: "Error";
		return write(exchange, status, title, detail);
	}

}
