package crewship.vault.credentials;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;

/**
 * Where a request came from, for audit rows: the first {@code X-Forwarded-For} hop (the
 * gateway sets it from its trusted-proxy rules) and the user agent.
 */
public record RequestOrigin(String ip, String userAgent) {

	public static RequestOrigin of(HttpServletRequest request) {
		String forwarded = request.getHeader("X-Forwarded-For");
		String ip = (forwarded != null && !forwarded.isBlank()) ? forwarded.split(",")[0].trim()
				: request.getRemoteAddr();
		return new RequestOrigin(ip, request.getHeader(HttpHeaders.USER_AGENT));
	}

}
