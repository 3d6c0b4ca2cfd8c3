package crewship.platform.web;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import crewship.platform.db.DatabaseFailures;

/**
 * Turns every failure into {@code application/problem+json} ({@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance}). Validation answers name the fields;
 * an unexpected failure answers 500 with nothing of its stack trace or SQL.
 */
@RestControllerAdvice
public class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.sorted(Comparator.comparing(FieldError::getField))
			.map(error -> Map.of("field", jsonName(error.getField()), "message",
					String.valueOf(error.getDefaultMessage())))
			.toList();
		return validationProblem(errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<Map<String, String>> errors = ex.getParameterValidationResults()
			.stream()
			.flatMap(result -> result.getResolvableErrors()
				.stream()
				.map(error -> Map.of("field", jsonName(String.valueOf(result.getMethodParameter().getParameterName())),
						"message", String.valueOf(error.getDefaultMessage()))))
			.toList();
		return validationProblem(errors, request);
	}

	/** Fields are named as the client wrote them: the suite's JSON is snake_case. */
	private static String jsonName(String path) {
		StringBuilder json = new StringBuilder();
		for (String segment : path.split("\\.", -1)) {
			if (!json.isEmpty()) {
				json.append('.');
			}
			int index = segment.indexOf('[');
			String name = (index >= 0) ? segment.substring(0, index) : segment;
			json.append(snakeCase(name)).append((index >= 0) ? segment.substring(index) : "");
		}
		return json.toString();
	}

	private static String snakeCase(String name) {
		StringBuilder snake = new StringBuilder(name.length() + 4);
		for (char c : name.toCharArray()) {
			if (Character.isUpperCase(c)) {
				if (!snake.isEmpty()) {
					snake.append('_');
				}
				snake.append(Character.toLowerCase(c));
			}
			else {
				snake.append(c);
			}
		}
		return snake.toString();
	}

	private ResponseEntity<Object> validationProblem(List<Map<String, String>> errors, WebRequest request) {
		String detail = errors.isEmpty() ? "Invalid request" : String.join("; ",
				errors.stream().map(error -> error.get("field") + ": " + error.get("message")).toList());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setProperty("errors", errors);
		return problemResponse(problem, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (causedByOversizedBody(ex)) {
			return problemResponse(ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
					"Request body exceeds " + BodySizeLimitFilter.MAX_BODY_BYTES + " bytes"), request);
		}
		return problemResponse(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Malformed JSON request body"),
				request);
	}

	private static boolean causedByOversizedBody(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof BodySizeLimitFilter.BodyTooLargeException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A multipart body that cannot be parsed is the client's error (a size over the limit
	 * is answered 413 by the handler for that subclass).
	 */
	@ExceptionHandler(MultipartException.class)
	ResponseEntity<Object> handleMalformedMultipart(MultipartException ex, WebRequest request) {
		return problemResponse(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Malformed multipart request"),
				request);
	}

	@ExceptionHandler(DataIntegrityViolationException.class)
	ResponseEntity<Object> handleConflict(DataIntegrityViolationException ex, WebRequest request) {
		log.info("Integrity violation answered as 409: {}", ex.getMostSpecificCause().getMessage());
		return problemResponse(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"The request conflicts with an existing resource"), request);
	}

	@ExceptionHandler(OptimisticLockingFailureException.class)
	ResponseEntity<Object> handleConcurrentUpdate(OptimisticLockingFailureException ex, WebRequest request) {
		return problemResponse(ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
				"The resource was changed concurrently; reload it and retry"), request);
	}

	/**
	 * The database cannot be reached or no pooled connection freed up in time (it is
	 * restarting, failing over, or the replica is overloaded): a transient state of the
	 * service, not a fault of the request — 503 with {@code Retry-After}, so clients and
	 * the gateway retry, as they would with a replica that is not ready.
	 */
	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessResourceException.class,
			CannotCreateTransactionException.class })
	ResponseEntity<Object> handleDatabaseUnavailable(Exception ex, WebRequest request) {
		log.warn("Database unavailable on {}: {}", path(request), ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The service cannot reach its database right now; retry shortly");
		complete(problem, request);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "2").body(problem);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest request) {
		if (DatabaseFailures.unavailable(ex)) {
			// wrapped, e.g. the failed rollback on a connection PostgreSQL cut
			return handleDatabaseUnavailable(ex, request);
		}
		log.error("Unexpected failure on {}", path(request), ex);
		return problemResponse(
				ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred"),
				request);
	}

	@Override
	protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
			WebRequest request) {
		if (body instanceof ProblemDetail problem) {
			complete(problem, request);
		}
		return super.createResponseEntity(body, headers, statusCode, request);
	}

	private ResponseEntity<Object> problemResponse(ProblemDetail problem, WebRequest request) {
		complete(problem, request);
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

	private static void complete(ProblemDetail problem, WebRequest request) {
		if (problem.getType() == null) {
			problem.setType(URI.create("about:blank"));
		}
		if (problem.getInstance() == null) {
			problem.setInstance(URI.create(path(request)));
		}
	}

	private static String path(WebRequest request) {
		return (request instanceof ServletWebRequest servlet) ? servlet.getRequest().getRequestURI() : "";
	}

}
