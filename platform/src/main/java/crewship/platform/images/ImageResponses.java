package crewship.platform.images;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * How stored images (avatars) are served: the stored type, never sniffed
 * ({@code X-Content-Type-Options: nosniff}), and a policy under which an SVG opened
 * directly can neither load anything nor run script, whatever it holds
 * ({@code default-src 'none'; sandbox}). Private caching: every image is behind
 * authentication; its URL changes ({@code ?v=}) when it does.
 */
public final class ImageResponses {

	public static final MediaType SVG = MediaType.valueOf("image/svg+xml");

	public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox";

	private ImageResponses() {
	}

	public static ResponseEntity<byte[]> svg(String svg) {
		return image(SVG, svg.getBytes(StandardCharsets.UTF_8));
	}

	public static ResponseEntity<byte[]> image(MediaType type, byte[] bytes) {
		return ResponseEntity.ok()
			.contentType(type)
			.header("X-Content-Type-Options", "nosniff")
			.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
			.header(HttpHeaders.CONTENT_DISPOSITION, "inline")
			.cacheControl(CacheControl.maxAge(Duration.ofDays(1)).cachePrivate())
			.body(bytes);
	}

}
