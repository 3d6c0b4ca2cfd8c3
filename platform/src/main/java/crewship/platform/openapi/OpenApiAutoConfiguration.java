package crewship.platform.openapi;

import java.util.Arrays;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.springdoc.core.customizers.GlobalOperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.PageParams;

/**
 * What a service's springdoc document needs to say what its clients see: the caller
 * ({@link IdentityAssertion}) is the gateway's header, not a parameter;
 * {@link PageParams} is the {@code limit} and {@code offset} query parameters; properties
 * are snake_case, as the services write JSON.
 */
@AutoConfiguration
@ConditionalOnClass(SpringDocUtils.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class OpenApiAutoConfiguration {

	static {
		SpringDocUtils.getConfig().addRequestWrapperToIgnore(IdentityAssertion.class, PageParams.class);
	}

	/**
	 * Models resolved with a copy of springdoc's mapper that names properties as the
	 * services' JSON does; the document itself is still written by springdoc's own.
	 */
	@Bean
	ModelResolver snakeCaseModelResolver() {
		return new ModelResolver(Json31.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))
			.openapi31(true);
	}

	@Bean
	GlobalOperationCustomizer pageParameters() {
		return (operation, handler) -> {
			boolean paged = Arrays.stream(handler.getMethodParameters())
				.anyMatch(parameter -> parameter.getParameterType() == PageParams.class);
			if (paged) {
				operation.addParametersItem(new Parameter().in("query")
					.name("limit")
					.description("Page size (the list's default when absent; at most 100)")
					.schema(new IntegerSchema().minimum(java.math.BigDecimal.ONE)));
				operation.addParametersItem(new Parameter().in("query")
					.name("offset")
					.description("Items to skip")
					.schema(new IntegerSchema().minimum(java.math.BigDecimal.ZERO)));
			}
			return operation;
		};
	}

}
