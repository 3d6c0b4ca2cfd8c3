package crewship.auth.sessions;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.AuthProperties;
import crewship.auth.users.User;
import crewship.auth.users.UserRepository;
import crewship.platform.identity.AuthMethod;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Secrets;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/** The NextAuth-compatible browser flow under {@code /api/auth/*}. */
@RestController
class NextAuthController {

	private final SessionService sessions;

	private final UserRepository users;

	private final AuthProperties properties;

	NextAuthController(SessionService sessions, UserRepository users, AuthProperties properties) {
		this.sessions = sessions;
		this.users = users;
		this.properties = properties;
	}

	record Credentials(String email, String password, String callbackUrl) {
	}

	@PostMapping(path = "/api/auth/callback/credentials", consumes = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> signInJson(@RequestBody Credentials credentials, HttpServletRequest request) {
		return signIn(credentials, request);
	}

	@PostMapping(path = "/api/auth/callback/credentials", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
	ResponseEntity<Map<String, Object>> signInForm(@RequestParam MultiValueMap<String, String> form,
			HttpServletRequest request) {
		return signIn(new Credentials(form.getFirst("email"), form.getFirst("password"), form.getFirst("callbackUrl")),
				request);
	}

	private ResponseEntity<Map<String, Object>> signIn(Credentials credentials, HttpServletRequest request) {
		SessionService.SignIn signIn = this.sessions.signIn(credentials.email(), credentials.password(),
				request.getHeader(HttpHeaders.USER_AGENT), clientIp(request));
		return withCookies(ResponseEntity.ok(), signIn, this.properties.sessionLifetime(), request)
			.body(Map.of("url", safeCallback(credentials.callbackUrl())));
	}

	/**
	 * Rotates both tokens. The refresh cookie is the credential; a cross-origin caller is
	 * refused, and on any failure both cookies are cleared so a dead token is not resent.
	 */
	@PostMapping("/api/auth/token/refresh")
	ResponseEntity<Map<String, Object>> refresh(HttpServletRequest request) {
		if (!sameOrigin(request) && !this.properties.allowedOrigins().contains(origin(request))) {
			throw ProblemException.forbidden("Cross-origin token refresh refused");
		}
		SessionService.SignIn signIn;
		try {
			signIn = this.sessions.refresh(SessionCookies.refreshToken(request));
		}
		catch (ProblemException ex) {
			if (ex.getStatusCode().value() == HttpStatus.UNAUTHORIZED.value()) {
				ex.getHeaders().add(HttpHeaders.SET_COOKIE, SessionCookies.clear(request).toString());
				ex.getHeaders().add(HttpHeaders.SET_COOKIE, SessionCookies.clearRefresh(request).toString());
			}
			throw ex;
		}
		Duration remaining = Duration.between(Timestamps.now(), signIn.session().getExpiresAt());
		return withCookies(ResponseEntity.ok(), signIn, remaining, request)
			.body(Map.of("expires", signIn.session().getExpiresAt().toString()));
	}

	private ResponseEntity.BodyBuilder withCookies(ResponseEntity.BodyBuilder response, SessionService.SignIn signIn,
			Duration lifetime, HttpServletRequest request) {
		return response
			.header(HttpHeaders.SET_COOKIE, SessionCookies.issue(request, signIn.token(), lifetime).toString())
			.header(HttpHeaders.SET_COOKIE,
					SessionCookies.issueRefresh(request, signIn.refreshToken(), lifetime).toString());
	}

	/**
	 * The same-origin check of the refresh endpoint: an {@code Origin} (or, without one,
	 * a {@code Referer}) must name the host the request was sent to. Neither header means
	 * no browser sent it cross-site: the SameSite=Lax, path-scoped cookie already keeps
	 * other sites' POSTs out.
	 */
	private static String origin(HttpServletRequest request) {
		String origin = request.getHeader(HttpHeaders.ORIGIN);
		return (origin != null && !origin.isBlank()) ? origin.trim() : request.getHeader(HttpHeaders.REFERER);
	}

	private static boolean sameOrigin(HttpServletRequest request) {
		String origin = origin(request);
		if (origin == null || origin.isBlank()) {
			return true;
		}
		String host = request.getHeader("X-Forwarded-Host");
		if (host == null || host.isBlank()) {
			host = request.getHeader(HttpHeaders.HOST);
		}
		try {
			URI uri = URI.create(origin.trim());
			String authority = uri.getAuthority();
			return authority != null && host != null && authority.equalsIgnoreCase(host.split(",")[0].trim());
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	@GetMapping("/api/auth/session")
	Map<String, Object> session(IdentityAssertion caller) {
		if (caller.method() != AuthMethod.SESSION || caller.credentialId() == null) {
			return Map.of();
		}
		return this.sessions.activeSession(caller.credentialId())
			.flatMap(session -> this.users.findById(session.getUserId()).map(user -> body(user, session)))
			.orElse(Map.of());
	}

	private static Map<String, Object> body(User user, UserSession session) {
		Map<String, Object> body = new LinkedHashMap<>();
		Map<String, Object> who = new LinkedHashMap<>();
		who.put("id", user.getId());
		who.put("name", user.getFullName());
		who.put("email", user.getEmail());
		// NextAuth's session user carries the picture the shell's user menu shows
		if (user.avatarUrl() != null) {
			who.put("image", user.avatarUrl());
		}
		body.put("user", who);
		body.put("expires", session.getExpiresAt().toString());
		return body;
	}

	@PostMapping("/api/auth/signout")
	ResponseEntity<Map<String, Object>> signOut(IdentityAssertion caller, HttpServletRequest request) {
		if (caller.method() == AuthMethod.SESSION && caller.credentialId() != null) {
			this.sessions.revoke(caller.subject(), caller.credentialId());
		}
		return ResponseEntity.ok()
			.header(HttpHeaders.SET_COOKIE, SessionCookies.clear(request).toString())
			.header(HttpHeaders.SET_COOKIE, SessionCookies.clearRefresh(request).toString())
			.body(Map.of("url", "/"));
	}

	@GetMapping("/api/auth/csrf")
	Map<String, String> csrf() {
		return Map.of("csrfToken", Secrets.randomHex(32));
	}

	@GetMapping("/api/auth/providers")
	Map<String, Object> providers() {
		return Map.of("credentials", Map.of("id", "credentials", "name", "Credentials", "type", "credentials",
				"signinUrl", "/api/auth/signin/credentials", "callbackUrl", "/api/auth/callback/credentials"));
	}

	@GetMapping("/api/auth/signin")
	ResponseEntity<Void> signInPage() {
		return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, "/login").build();
	}

	@GetMapping("/api/auth/error")
	Map<String, String> error(@RequestParam(name = "error", required = false) String error) {
		String code = (error == null || error.isBlank()) ? "Default" : error.replaceAll("[^A-Za-z0-9_-]", "");
		return Map.of("error", code, "message", "Authentication error: " + code);
	}

	/**
	 * Only same-site relative paths: an absolute URL would make sign-in an open redirect.
	 */
	private static String safeCallback(String callbackUrl) {
		if (callbackUrl == null || !callbackUrl.startsWith("/") || callbackUrl.startsWith("//")) {
			return "/";
		}
		return callbackUrl;
	}

	static String clientIp(HttpServletRequest request) {
		String forwarded = request.getHeader("X-Forwarded-For");
		if (forwarded != null && !forwarded.isBlank()) {
			return forwarded.split(",")[0].trim();
		}
		return request.getRemoteAddr();
	}

}
