package crewship.crew.skills;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/**
 * Fetches a SKILL.md a caller named by URL, behind the {@link SourceFence}: every hop of
 * a redirect is fenced again (the client follows none by itself), the body is read only
 * up to the size cap, and the whole fetch — headers, redirects and body — has one
 * deadline, so a slow server cannot hold a request thread.
 */
@Component
class SkillFetcher {

	static final int MAX_REDIRECTS = 3;

	private static final Set<String> SCHEMES = Set.of("http", "https");

	private static final Logger log = LoggerFactory.getLogger(SkillFetcher.class);

	private final SourceFence fence;

	private final SkillProperties properties;

	private final HttpClient client;

	/** Reads bodies off the request thread, so the deadline can cut a trickling one. */
	private final java.util.concurrent.ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor();

	SkillFetcher(SourceFence fence, SkillProperties properties) {
		this.fence = fence;
		this.properties = properties;
		this.client = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(3))
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
	}

	/**
	 * @return the document's text
	 * @throws ProblemException 400 for a URL that is malformed or refused by the fence,
	 * 422 for a document over the cap, 502 for a fetch that failed or timed out
	 */
	String fetch(String url) {
		URI uri = parse(url);
		long deadline = System.nanoTime() + this.properties.fetchTimeout().toNanos();
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			String refused = this.fence.refusal(uri, SCHEMES).orElse(null);
			if (refused != null) {
				throw ProblemException.badRequest("URL refused: " + refused + (hop > 0 ? " (redirect)" : ""));
			}
			HttpResponse<InputStream> response = send(uri, deadline);
			int status = response.statusCode();
			if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
				close(response.body());
				uri = uri.resolve(response.headers().firstValue("Location").get());
				continue;
			}
			if (status != 200) {
				close(response.body());
				throw new ProblemException(HttpStatus.BAD_GATEWAY,
						"Fetching the skill failed: " + uri.getHost() + " answered " + status);
			}
			return body(response, deadline);
		}
		throw new ProblemException(HttpStatus.BAD_GATEWAY,
				"Fetching the skill failed: more than " + MAX_REDIRECTS + " redirects");
	}

	private static URI parse(String url) {
		try {
			URI uri = new URI(url.trim());
			if (!uri.isAbsolute()) {
				throw ProblemException.badRequest("url must be an absolute http(s) URL");
			}
			return uri;
		}
		catch (URISyntaxException ex) {
			throw ProblemException.badRequest("url is not a valid URL");
		}
	}

	private HttpResponse<InputStream> send(URI uri, long deadline) {
		HttpRequest request = HttpRequest.newBuilder(uri)
			.timeout(remaining(deadline))
			.header("Accept", "text/markdown, text/plain, */*")
			.GET()
			.build();
		CompletableFuture<HttpResponse<InputStream>> sent = this.client.sendAsync(request,
				HttpResponse.BodyHandlers.ofInputStream());
		try {
			return sent.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			sent.cancel(true);
			throw timedOut();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof java.net.http.HttpTimeoutException) {
				throw timedOut();
			}
			log.info("Skill fetch from {} failed: {}", uri.getHost(), ex.getCause().toString());
			throw new ProblemException(HttpStatus.BAD_GATEWAY,
					"Fetching the skill failed: " + uri.getHost() + " could not be reached");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw timedOut();
		}
	}

	/** Reads at most the cap (plus one byte to notice more) before the deadline. */
	private String body(HttpResponse<InputStream> response, long deadline) {
		long cap = this.properties.maxFetchBytes().toBytes();
		long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
		InputStream in = response.body();
		if (declared > cap) {
			close(in);
			throw tooLarge(cap);
		}
		CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
			try {
				return in.readNBytes((int) cap + 1);
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
		}, this.readers);
		byte[] bytes;
		try {
			bytes = read.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			close(in); // unblocks the reader
			throw timedOut();
		}
		catch (ExecutionException ex) {
			close(in);
			throw new ProblemException(HttpStatus.BAD_GATEWAY, "Fetching the skill failed while reading its body");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close(in);
			throw timedOut();
		}
		close(in);
		if (bytes.length > cap) {
			throw tooLarge(cap);
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private ProblemException timedOut() {
		return new ProblemException(HttpStatus.BAD_GATEWAY,
				"Fetching the skill timed out after " + this.properties.fetchTimeout().toSeconds() + " s");
	}

	private static ProblemException tooLarge(long cap) {
		return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT,
				"The document at the URL exceeds " + (cap / 1024) + " KB, the largest SKILL.md this server imports");
	}

	private static Duration remaining(long deadline) {
		long nanos = deadline - System.nanoTime();
		if (nanos <= 0) {
			return Duration.ofMillis(1);
		}
		return Duration.ofNanos(nanos);
	}

	private static void close(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// nothing more to read from it either way
		}
	}

}
