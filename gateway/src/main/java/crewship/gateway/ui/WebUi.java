package crewship.gateway.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.FileSystemResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Crewship's web UI, served from a static export ({@code CREWSHIP_UI_DIR}) on the public
 * port beside {@code /api} and {@code /ws}, so operators need no other web server.
 * <p>
 * A path {@code /x} is answered with {@code x.html}, else the file {@code x}, else
 * {@code x/index.html}; a segment with no file of its name matches the export's dynamic
 * placeholder {@code _} ({@code /issues/ENG-1} → {@code issues/_.html}, its payload
 * {@code /issues/ENG-1.txt} → {@code issues/_.txt}); anything else is {@code index.html},
 * which routes on the client. A miss under {@code /_next/} is a 404: a script answered
 * with a page would fail in the browser with a misleading error.
 * <p>
 * {@code /_next/static/**} is content-hashed, so cached for a year as immutable; HTML is
 * never cached (a deploy must show at once). HTML carries a Content-Security-Policy with
 * no {@code 'unsafe-inline'} for scripts: the export's inline scripts (the React Server
 * Components payload pushes) are allowed by their SHA-256, computed from the file served.
 * Paths under {@code /api} and {@code /ws} never reach this (the API is never shadowed),
 * nor does anything outside the export directory.
 */
public final class WebUi {

	static final String IMMUTABLE_PREFIX = "/_next/static/";

	private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc\\s*=)[^>]*>(.*?)</script>",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	private static final String POLICY = "default-src 'self'; script-src 'self'%s; style-src 'self' 'unsafe-inline'; "
			+ "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
			+ "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

	private final Path root;

	/** A page's policy, by file and version (size and modification time). */
	private final Cache<String, String> policies = Caffeine.newBuilder().maximumSize(2_000).build();

	/** A file of the export chosen for a request path, and whether it is a page. */
	record Resolved(Path file, boolean html) {
	}

	/**
	 * @param root the export directory
	 * @throws IllegalStateException when it is not a readable directory (a typo in
	 * {@code CREWSHIP_UI_DIR} must stop the start, not serve 404s)
	 */
	public WebUi(Path root) {
		try {
			this.root = root.toRealPath();
		}
		catch (IOException ex) {
			throw new IllegalStateException("CREWSHIP_UI_DIR " + root + " does not exist", ex);
		}
		if (!Files.isDirectory(this.root) || !Files.isRegularFile(this.root.resolve("index.html"))) {
			throw new IllegalStateException(
					"CREWSHIP_UI_DIR " + root + " is not a web UI export (a directory with an index.html)");
		}
	}

	/** GET and HEAD of every path that is not the API's or the WebSocket's. */
	public RouterFunction<ServerResponse> routes() {
		HandlerFunction<ServerResponse> handler = this::serve;
		return request -> Mono.justOrEmpty(isUiRequest(request) ? handler : null);
	}

	static boolean isUiRequest(ServerRequest request) {
		HttpMethod method = request.method();
		if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
			return false;
		}
		String path = request.path();
		return !isReserved(path);
	}

	/**
	 * The API, the WebSocket, the gateway's probes and its breakers' fallback forwards
	 * ({@code /__fallback/…}) are never the UI's.
	 */
	static boolean isReserved(String path) {
		return path.equals("/api") || path.startsWith("/api/") || path.equals("/ws") || path.startsWith("/ws/")
				|| path.equals("/livez") || path.equals("/readyz") || path.startsWith("/actuator")
				|| path.startsWith("/__");
	}

	private Mono<ServerResponse> serve(ServerRequest request) {
		return Mono.fromCallable(() -> resolve(request.path()))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(found -> found.map(resolved -> respond(request, resolved))
				.orElseGet(ServerResponse.notFound()::build));
	}

	private Mono<ServerResponse> respond(ServerRequest request, Resolved resolved) {
		FileSystemResource resource = new FileSystemResource(resolved.file());
		ServerResponse.BodyBuilder answer = ServerResponse.ok()
			.header("X-Content-Type-Options", "nosniff")
			.header("Referrer-Policy", "same-origin");
		if (resolved.html()) {
			answer.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
				.cacheControl(CacheControl.noStore())
				.header("Content-Security-Policy", policy(resolved.file()));
		}
		else {
			answer.contentType(MediaTypeFactory.getMediaType(resource).orElse(MediaType.APPLICATION_OCTET_STREAM))
				.cacheControl(request.path().startsWith(IMMUTABLE_PREFIX)
						? CacheControl.maxAge(java.time.Duration.ofDays(365)).cachePublic().immutable()
						: CacheControl.noCache());
		}
		return (request.method() == HttpMethod.HEAD) ? answer.build()
				: answer.body(BodyInserters.fromResource(resource));
	}

	/**
	 * The file of the export that answers a request path, or empty for a miss under
	 * {@code /_next/} and for any path that would leave the export directory.
	 */
	Optional<Resolved> resolve(String requestPath) {
		List<String> segments = segments(requestPath);
		if (segments == null) {
			return Optional.empty();
		}
		if (segments.isEmpty()) {
			return Optional.of(new Resolved(this.root.resolve("index.html"), true));
		}
		Optional<Resolved> found = walk(this.root, segments);
		if (found.isPresent() || requestPath.startsWith("/_next/")) {
			return found;
		}
		return Optional.of(new Resolved(this.root.resolve("index.html"), true));
	}

	private Optional<Resolved> walk(Path dir, List<String> segments) {
		String segment = segments.get(0);
		if (segments.size() == 1) {
			Optional<Path> file = first(dir.resolve(segment + ".html"), dir.resolve(segment),
					dir.resolve(segment).resolve("index.html"));
			if (file.isEmpty()) {
				// a dynamic segment: the export's placeholder page, or its payload
				int dot = segment.lastIndexOf('.');
				String extension = (dot > 0) ? segment.substring(dot) : "";
				file = first(extension.isEmpty() ? dir.resolve("_.html") : dir.resolve("_" + extension),
						dir.resolve("_.html"), dir.resolve("_").resolve("index.html"));
			}
			return file.map(path -> new Resolved(path, path.getFileName().toString().endsWith(".html")));
		}
		List<String> rest = segments.subList(1, segments.size());
		if (Files.isDirectory(dir.resolve(segment))) {
			Optional<Resolved> literal = walk(dir.resolve(segment), rest);
			if (literal.isPresent()) {
				return literal;
			}
		}
		return Files.isDirectory(dir.resolve("_")) ? walk(dir.resolve("_"), rest) : Optional.empty();
	}

	/** The first regular file inside the export, following no link out of it. */
	private Optional<Path> first(Path... candidates) {
		for (Path candidate : candidates) {
			if (Files.isRegularFile(candidate) && inside(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	private boolean inside(Path candidate) {
		try {
			return candidate.toRealPath().startsWith(this.root);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The decoded path segments; null for anything that could name a file outside the
	 * export ({@code ..}, encoded separators, NUL) or a hidden file.
	 */
	static List<String> segments(String requestPath) {
		List<String> segments = new ArrayList<>();
		for (String raw : requestPath.split("/")) {
			if (raw.isEmpty()) {
				continue;
			}
			String segment;
			try {
				segment = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
			if (segment.equals(".") || segment.equals("..") || segment.startsWith(".") || segment.contains("/")
					|| segment.contains("\\") || segment.indexOf('\0') >= 0) {
				return null;
			}
			segments.add(segment);
		}
		return segments;
	}

	/**
	 * The page's Content-Security-Policy: its inline scripts by hash, nothing else
	 * inline.
	 */
	String policy(Path page) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(page, BasicFileAttributes.class);
			Instant modified = attributes.lastModifiedTime().toInstant();
			return this.policies.get(page + "|" + attributes.size() + "|" + modified, key -> policyOf(page));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String policyOf(Path page) {
		String html;
		try {
			html = Files.readString(page, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Set<String> hashes = new LinkedHashSet<>();
		Matcher scripts = INLINE_SCRIPT.matcher(html);
		while (scripts.find()) {
			hashes.add(" 'sha256-" + sha256(scripts.group(1)) + "'");
		}
		return POLICY.formatted(String.join("", hashes));
	}

	static String sha256(String content) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
