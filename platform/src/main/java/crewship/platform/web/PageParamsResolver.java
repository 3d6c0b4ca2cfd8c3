package crewship.platform.web;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Reads {@code limit} and {@code offset} into {@link PageParams}; malformed numbers are a
 * 400.
 */
class PageParamsResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == PageParams.class;
	}

	@Override
	public PageParams resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest request, WebDataBinderFactory binderFactory) {
		PageParams.Defaults defaults = parameter.getParameterAnnotation(PageParams.Defaults.class);
		int defaultLimit = (defaults != null) ? defaults.limit() : 20;
		return new PageParams(integer(request, "limit", defaultLimit), integer(request, "offset", 0));
	}

	private static int integer(NativeWebRequest request, String name, int fallback) {
		String value = request.getParameter(name);
		if (value == null || value.isBlank()) {
			return fallback;
		}
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw ProblemException.badRequest(name + " must be an integer");
		}
	}

}
