package crewship.gateway.edge;

import java.time.Duration;
import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * CORS for the browser origins of {@code CREWSHIP_ALLOWED_ORIGINS}: they may call the API
 * with the session cookie and read the answers; any other origin gets no CORS headers (so
 * the browser keeps the answer from it). It runs first of all the gateway's filters: a
 * preflight {@code OPTIONS} is answered here, never authenticated, limited or forwarded,
 * and the headers are on every answer to an allowed origin, including 401, 403 and 429
 * from later filters, so a page can read why it was refused.
 */
public class BrowserCors extends CorsWebFilter implements Ordered {

	/** Headers a page may read besides the CORS-safelisted ones. */
	static final List<String> EXPOSED = List.of("Retry-After", "Location", "Deprecation", "Sunset", "RateLimit-Limit",
			"RateLimit-Remaining", "RateLimit-Reset", "X-RateLimit-Limit", "X-RateLimit-Remaining",
			"X-RateLimit-Reset");

	public BrowserCors(List<String> allowedOrigins) {
		super(source(allowedOrigins), new RefusePreflightsOnly());
	}

	/**
	 * Spring refuses an actual request from an unlisted origin with a bare 403. That
	 * would also refuse same-origin pages behind a TLS-terminating proxy (their origin is
	 * not the gateway's own URI) and non-browser clients that send an Origin. So only
	 * preflights are refused; any other request from an unlisted origin goes on without
	 * CORS headers — the browser keeps the answer from the page, and the CSRF guard
	 * judges cookie-authenticated changes.
	 */
	static final class RefusePreflightsOnly extends DefaultCorsProcessor {

		@Override
		public boolean process(CorsConfiguration config, ServerWebExchange exchange) {
			ServerHttpRequest request = exchange.getRequest();
			if (config != null && !CorsUtils.isPreFlightRequest(request)
					&& config.checkOrigin(request.getHeaders().getOrigin()) == null) {
				return true;
			}
			return super.process(config, exchange);
		}

	}

	private static UrlBasedCorsConfigurationSource source(List<String> allowedOrigins) {
		CorsConfiguration cors = new CorsConfiguration();
		// Exact origins only: with credentials, a wildcard would hand the session to any
		// site.
		cors.setAllowedOrigins(allowedOrigins);
		cors.setAllowCredentials(true);
		cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
		cors.setAllowedHeaders(List.of("*"));
		cors.setExposedHeaders(EXPOSED);
		cors.setMaxAge(Duration.ofHours(1));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		// Registered even with no origins, so every preflight is answered (refused) here.
		source.registerCorsConfiguration("/**", cors);
		return source;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 1; // after RequestIdFilter
	}

}
