package crewship.platform.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code limit}/{@code offset} pair of a list endpoint, already validated: limit
 * 1–100, offset at least 0. Declare it as a handler parameter; {@link Defaults} sets the
 * endpoint's default limit (20 unless the page says 50).
 */
public record PageParams(int limit, int offset) {

	public static final int MAX_LIMIT = 100;

	public PageParams {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw ProblemException.badRequest("limit must be between 1 and " + MAX_LIMIT);
		}
		if (offset < 0) {
			throw ProblemException.badRequest("offset must be 0 or greater");
		}
	}

	@Target(ElementType.PARAMETER)
	@Retention(RetentionPolicy.RUNTIME)
	public @interface Defaults {

		int limit() default 20;

	}

}
