package crewship.issue.codelinks;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpStatus;

import crewship.platform.web.ProblemException;

/**
 * The code-link page's problems: several failures share a status, so each carries a
 * stable {@code type} under {@code https://crewship.ai/problems/code-link/} and a
 * {@code code}.
 */
final class CodeLinkProblem {

	static final String TYPE_BASE = "https://crewship.ai/problems/code-link/";

	private CodeLinkProblem() {
	}

	static ProblemException of(HttpStatus status, String code, String detail) {
		ProblemException problem = new ProblemException(status, detail);
		problem.getBody().setType(URI.create(TYPE_BASE + code));
		problem.getBody().setProperty("code", code);
		return problem;
	}

	static ProblemException rateLimited(String detail, Duration retryAfter) {
		ProblemException problem = of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", detail);
		if (retryAfter != null) {
			problem.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
		}
		return problem;
	}

	/** The code of a problem this class made, for the row's {@code last_sync_error}. */
	static String codeOf(ProblemException problem) {
		Object code = (problem.getBody().getProperties() != null) ? problem.getBody().getProperties().get("code")
				: null;
		return (code != null) ? code + ": " + problem.getBody().getDetail() : problem.getBody().getDetail();
	}

}
