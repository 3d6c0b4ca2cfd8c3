package crewship.platform.identity;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Hands the verified {@link IdentityAssertion} to handler methods that declare it. */
public class IdentityArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == IdentityAssertion.class;
	}

	@Override
	public IdentityAssertion resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest request, WebDataBinderFactory binderFactory) {
		IdentityAssertion identity = (IdentityAssertion) request.getAttribute(IdentityAssertionFilter.ATTRIBUTE,
				RequestAttributes.SCOPE_REQUEST);
		return (identity != null) ? identity : IdentityAssertion.anonymous();
	}

}
