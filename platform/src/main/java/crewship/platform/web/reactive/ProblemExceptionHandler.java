package crewship.platform.web.reactive;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Every failure a reactive application produces itself (no route, a service that does not
 * answer, a bug) is problem+json like the blocking services' errors; nothing internal
 * leaks.
 */
public class ProblemExceptionHandler implements WebExceptionHandler, Ordered {

	private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

	@Override
	public int getOrder() {
		return -2; // before Boot's default error handler
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof ResponseStatusException status) {
			String detail = (status.getReason() != null) ? status.getReason()
					: "No endpoint " + exchange.getRequest().getPath().value();
			return ReactiveProblems.write(exchange, status.getStatusCode(), detail);
		}
		if (isUnreachable(ex)) {
			exchange.getResponse().getHeaders().set("Retry-After", "5");
			return ReactiveProblems.write(exchange, HttpStatus.SERVICE_UNAVAILABLE,
					"A service is unavailable; retry shortly");
		}
		log.error("Unexpected failure on {}", exchange.getRequest().getPath(), ex);
		return ReactiveProblems.write(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred");
	}

	private static boolean isUnreachable(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException || cause instanceof TimeoutException) {
				return true;
			}
		}
		return false;
	}

}
