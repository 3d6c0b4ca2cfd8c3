package crewship.cli;

import tools.jackson.databind.JsonNode;

/**
 * A command that did not succeed, with the class of failure scripts branch on (the
 * reference CLI's exit codes): 1 unclassified, 2 validation, 3 not found, 4 auth, 5
 * conflict, 6 rate-limited, 7 server error, 8 network (no response at all).
 */
public final class Failure extends RuntimeException {

	public static final int GENERAL = 1;

	public static final int VALIDATION = 2;

	public static final int NOT_FOUND = 3;

	public static final int AUTH = 4;

	public static final int CONFLICT = 5;

	public static final int RATE_LIMITED = 6;

	public static final int SERVER = 7;

	public static final int NETWORK = 8;

	private final int exitCode;

	private final Integer status;

	private final String detail;

	private final transient JsonNode extensions;

	public Failure(int exitCode, String message, Integer status, String detail, JsonNode extensions) {
		super(message);
		this.exitCode = exitCode;
		this.status = status;
		this.detail = detail;
		this.extensions = extensions;
	}

	public static Failure validation(String message) {
		return new Failure(VALIDATION, message, null, null, null);
	}

	public static Failure notFound(String message) {
		return new Failure(NOT_FOUND, message, null, null, null);
	}

	public static Failure auth(String message) {
		return new Failure(AUTH, message, null, null, null);
	}

	public static Failure network(String message) {
		return new Failure(NETWORK, message, null, null, null);
	}

	public static Failure general(String message) {
		return new Failure(GENERAL, message, null, null, null);
	}

	/** The class of an HTTP answer that is not a success. */
	public static int exitCodeOf(int status) {
		return switch (status) {
			case 400, 422 -> VALIDATION;
			case 404 -> NOT_FOUND;
			case 401, 403 -> AUTH;
			case 409 -> CONFLICT;
			case 429 -> RATE_LIMITED;
			default -> (status >= 500) ? SERVER : GENERAL;
		};
	}

	/** An API answer that is not a success, with the problem's detail when it had one. */
	public static Failure http(int status, String detail, JsonNode extensions) {
		String message = "API error (" + status + ")" + ((detail != null && !detail.isBlank()) ? ": " + detail : "");
		return new Failure(exitCodeOf(status), message, status, detail, extensions);
	}

	public int exitCode() {
		return this.exitCode;
	}

	public Integer status() {
		return this.status;
	}

	public String detail() {
		return this.detail;
	}

	public JsonNode extensions() {
		return this.extensions;
	}

}
