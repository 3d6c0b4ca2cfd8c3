package crewship.platform.web;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The one domain exception of the suite: anything a handler refuses becomes a
 * problem+json answer with this status and detail. Thrown, never caught locally.
 */
public class ProblemException extends ErrorResponseException {

	public ProblemException(HttpStatus status, String detail) {
		super(status, problem(status, detail), null);
	}

	private static ProblemDetail problem(HttpStatus status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create("about:blank"));
		return problem;
	}

	public static ProblemException badRequest(String detail) {
		return new ProblemException(HttpStatus.BAD_REQUEST, detail);
	}

	public static ProblemException unauthorized(String detail) {
		return new ProblemException(HttpStatus.UNAUTHORIZED, detail);
	}

	public static ProblemException forbidden(String detail) {
		return new ProblemException(HttpStatus.FORBIDDEN, detail);
	}

	public static ProblemException notFound(String detail) {
		return new ProblemException(HttpStatus.NOT_FOUND, detail);
	}

	/** 429 with {@code Retry-After}, for backoff and rate limits. */
	public static ProblemException tooManyRequests(String detail, java.time.Duration retryAfter) {
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, detail);
		problem.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
		return problem;
	}

	/**
	 * 503 with {@code Retry-After}: a service this request needs cannot answer now, and
	 * nothing was changed.
	 */
	public static ProblemException unavailable(String detail, java.time.Duration retryAfter) {
		ProblemException problem = new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
		return problem;
	}

	public static ProblemException conflict(String detail) {
		return new ProblemException(HttpStatus.CONFLICT, detail);
	}

	@Override
	public String getMessage() {
		return getStatusCode() + " " + getBody().getDetail();
	}

}
