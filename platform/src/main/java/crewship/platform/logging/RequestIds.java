package crewship.platform.logging;

import java.util.regex.Pattern;

import crewship.platform.ids.Cuid;

/**
 * The request id every log line of a request carries: the gateway assigns one to each
 * request it receives (or keeps the caller's {@code X-Request-Id} when it is a plain
 * token), forwards it in {@code X-Request-Id} and answers with it; services put it in the
 * logging MDC under {@value #MDC_KEY} beside Micrometer's {@code traceId} and
 * {@code spanId}, and pass it on when they call another service.
 */
public final class RequestIds {

	public static final String HEADER = "X-Request-Id";

	/** The MDC key, and the Reactor context key on the gateway. */
	public static final String MDC_KEY = "requestId";

	/**
	 * What a request id may look like: short and free of anything a log line or a log
	 * pipeline would read as structure (newlines, quotes, separators).
	 */
	private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

	private RequestIds() {
	}

	/**
	 * @return {@code given} when it is a safe request id, else a fresh one
	 */
	public static String accept(String given) {
		return (given != null && SAFE.matcher(given).matches()) ? given : Cuid.next();
	}

}
