package crewship.platform.ids;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The seed's slug rule: {@code ^[a-z0-9][a-z0-9_-]*$}, 2–50 characters. Null passes
 * (combine with {@code @NotNull} where a slug is required).
 */
@Documented
@Constraint(validatedBy = {})
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Pattern(regexp = Slug.PATTERN,
		message = "must be lowercase letters, digits, '-' or '_', starting with a letter or digit")
@Size(min = 2, max = 50, message = "must be 2-50 characters")
public @interface Slug {

	String PATTERN = "^[a-z0-9][a-z0-9_-]*$";

	String message() default "must be a valid slug";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}
