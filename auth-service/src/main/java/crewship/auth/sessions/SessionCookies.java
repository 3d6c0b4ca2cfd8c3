package crewship.auth.sessions;

import java.time.Duration;

import jakarta.servlet.http.Cookie;
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

	static final String REFRESH_HTTP_NAME = "refresh-token";

	static final String REFRESH_HTTPS_NAME = "__Secure-refresh-token";

	static final String REFRESH_PATH = "/api/auth/token/refresh";

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

	/**
	 * The refresh cookie: sent only to the refresh endpoint (path-scoped), so no other
	 * request ever carries it.
	 */
	static ResponseCookie issueRefresh(HttpServletRequest request, String token, Duration lifetime) {
		boolean https = isHttps(request);
		return ResponseCookie.from(https ? REFRESH_HTTPS_NAME : REFRESH_HTTP_NAME, token)
			.httpOnly(true)
			.secure(https)
			.sameSite("Lax")
			.path(REFRESH_PATH)
			.maxAge(lifetime)
			.build();
	}

	static ResponseCookie clearRefresh(HttpServletRequest request) {
		return issueRefresh(request, "", Duration.ZERO);
	}

	static String refreshToken(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		String name = isHttps(request) ? REFRESH_HTTPS_NAME : REFRESH_HTTP_NAME;
		for (Cookie cookie : cookies) {
			if (cookie.getName().equals(name)) {
				return cookie.getValue();
			}
		}
		return null;
	}

}
