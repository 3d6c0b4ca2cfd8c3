package crewship.auth.sessions;

import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseCookie;

/**
 * The NextAuth session cookie: {@code authjs.session-token} over HTTP,
 * {@code __Secure-authjs.session-token} over HTTPS (also behind a proxy that says
 * {@code X-Forwarded-Proto: https}); HttpOnly, SameSite=Lax, path /.
 */
public final class SessionCookies {

	public static final String HTTP_NAME = "authjs.session-token";

	public static final String HTTPS_NAME = "__Secure-authjs.session-token";

	private SessionCookies() {
	}

	public static boolean isHttps(HttpServletRequest request) {
		String forwarded = request.getHeader("X-Forwarded-Proto");
		if (forwarded != null && !forwarded.isBlank()) {
			return forwarded.split(",")[0].trim().equalsIgnoreCase("https");
		}
		return request.isSecure();
	}

	public static ResponseCookie issue(HttpServletRequest request, String token, Duration lifetime) {
		boolean https = isHttps(request);
		return ResponseCookie.from(https ? HTTPS_NAME : HTTP_NAME, token)
			.httpOnly(true)
			.secure(https)
			.sameSite("Lax")
			.path("/")
			.maxAge(lifetime)
			.build();
	}

	public static ResponseCookie clear(HttpServletRequest request) {
		return issue(request, "", Duration.ZERO);
	}

}
