package crewship.gateway.edge;

import java.net.URI;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Cross-site request forgery defence for cookie-authenticated requests that change state:
 * the browser's {@code Origin} (or, without it, {@code Referer}) must be this gateway's
 * own origin or one configured in {@code crewship.gateway.allowed-origins}. Together with
 * the SameSite=Lax cookie this refuses what another site makes a browser send. Requests
 * without either header are not from a browser page and pass; bearer-token requests carry
 * no ambient credential and pass.
 */
public class CsrfGuard {

	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

	private final List<String> allowedOrigins;

	public CsrfGuard(List<String> allowedOrigins) {
		this.allowedOrigins = (allowedOrigins != null) ? List.copyOf(allowedOrigins) : List.of();
	}

	/**
	 * @return whether a cookie-authenticated request may proceed
	 */
	public boolean permits(ServerHttpRequest request) {
		if (SAFE.contains(request.getMethod())) {
			return true;
		}
		String origin = request.getHeaders().getOrigin();
		if (origin == null) {
			String referer = request.getHeaders().getFirst(HttpHeaders.REFERER);
			if (referer == null) {
				return true;
			}
			origin = originOf(referer);
		}
		return origin != null && (origin.equalsIgnoreCase(ownOrigin(request)) || this.allowedOrigins.contains(origin));
	}

	private static String ownOrigin(ServerHttpRequest request) {
		String proto = request.getHeaders().getFirst("X-Forwarded-Proto");
		String scheme = (proto != null && !proto.isBlank()) ? proto.split(",")[0].trim() : request.getURI().getScheme();
		String host = request.getHeaders().getFirst(HttpHeaders.HOST);
		return scheme + "://" + ((host != null) ? host : request.getURI().getAuthority());
	}

	private static String originOf(String url) {
		try {
			URI uri = URI.create(url);
			return (uri.getScheme() != null && uri.getAuthority() != null)
					? uri.getScheme() + "://" + uri.getAuthority() : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
