package crewship.issue.codelinks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.issue.codelinks.ForgeCredentials.Token;
import crewship.platform.web.ProblemException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one pull request (GitHub) or merge request (GitLab) through the forge's REST API
 * with the workspace's token, and normalises its state to OPEN, DRAFT, MERGED or CLOSED.
 * Redirects are followed only on the same host (the request carries a credential); each
 * failure becomes the page's problem.
 */
@Component
class Forges {

	private static final Logger log = LoggerFactory.getLogger(Forges.class);

	private final CodeLinkSettings settings;

	private final JsonMapper json;

	private final HttpClient http;

	Forges(CodeLinkSettings settings, JsonMapper json) {
		this.settings = settings;
		this.json = json;
		this.http = HttpClient.newBuilder()
			.connectTimeout(settings.timeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/** What the forge says about the request. */
	record State(String title, String state, String author, String sourceBranch, String targetBranch, Instant createdAt,
			Instant updatedAt, Instant mergedAt, Instant closedAt) {
	}

	/**
	 * Refuses a forge on a private, loopback or link-local address unless it is
	 * configured or the opt-in is on: a link must not make this service probe the
	 * internal network.
	 * @throws ProblemException 422 {@code blocked-host}
	 */
	void requireReachable(PullRequestUrl url) {
		if (this.settings.apiUrls().containsKey(url.host()) || this.settings.allowPrivateForges()) {
			return;
		}
		try {
			for (InetAddress address : InetAddress.getAllByName(url.hostName())) {
				if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
						|| address.isAnyLocalAddress() || address.isMulticastAddress()
						|| (address.getAddress().length == 16 && (address.getAddress()[0] & 0xFE) == 0xFC)) {
					throw CodeLinkProblem.of(HttpStatus.UNPROCESSABLE_CONTENT, "blocked-host", url.host()
							+ " is on a private or internal address and private forges are not allowed on this server");
				}
			}
		}
		catch (UnknownHostException ex) {
			// nothing to fence: the call itself will fail as provider-unavailable
		}
	}

	State fetch(PullRequestUrl url, Token token) {
		URI api = apiBase(url);
		String path = url.provider().equals(PullRequestUrl.GITHUB)
				? "/repos/" + url.owner() + "/" + url.repo() + "/pulls/" + url.number()
				: "/projects/" + URLEncoder.encode(url.owner() + "/" + url.repo(), StandardCharsets.UTF_8)
						+ "/merge_requests/" + url.number();
		URI target = URI.create(api.toString().replaceAll("/+$", "") + path);
		HttpResponse<String> response = send(url, target, token);
		if (response.statusCode() >= 300 && response.statusCode() < 400) {
			URI location = response.headers().firstValue("Location").map(target::resolve).orElse(null);
			if (location == null || !sameHost(location, target)) {
				throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "cross-host-redirect",
						"The provider redirected off its own host; not followed, as the request carries a credential");
			}
			response = send(url, location, token);
		}
		failOn(url, response);
		JsonNode body;
		try {
			body = this.json.readTree(response.body());
		}
		catch (RuntimeException ex) {
			throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "provider-unavailable",
					"The provider's answer was not JSON");
		}
		return url.provider().equals(PullRequestUrl.GITHUB) ? github(body) : gitlab(body);
	}

	private HttpResponse<String> send(PullRequestUrl url, URI target, Token token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(this.settings.timeout()).GET();
		if (url.provider().equals(PullRequestUrl.GITHUB)) {
			request.header("Authorization", "Bearer " + token.value())
				.header("Accept", "application/vnd.github+json")
				.header("X-GitHub-Api-Version", "2022-11-28");
		}
		else {
			request.header("PRIVATE-TOKEN", token.value());
		}
		request.header("User-Agent", "crewship-issue-service");
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			log.info("{} did not answer for a code link: {}", url.host(), ex.getClass().getSimpleName());
			throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "provider-unavailable",
					url.provider() + " at " + url.host() + " did not answer");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "provider-unavailable", "Interrupted");
		}
	}

	private static void failOn(PullRequestUrl url, HttpResponse<String> response) {
		int status = response.statusCode();
		if (status >= 200 && status < 300) {
			return;
		}
		String provider = url.provider() + " at " + url.host();
		if (status == 404) {
			throw CodeLinkProblem.of(HttpStatus.NOT_FOUND, "pull-request-not-found",
					provider + " has no such request (or the credential cannot see a private repository)");
		}
		if (status == 401) {
			throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "credential-rejected",
					provider + " rejected the credential (revoked or expired)");
		}
		boolean exhausted = response.headers().firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false);
		if (status == 429 || (status == 403 && exhausted)) {
			throw CodeLinkProblem.rateLimited(provider + " throttled the request", retryAfter(response).orElse(null));
		}
		if (status == 403) {
			throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "credential-forbidden",
					"The credential is valid but lacks read access to the repository");
		}
		throw CodeLinkProblem.of(HttpStatus.BAD_GATEWAY, "provider-unavailable", provider + " answered " + status);
	}

	private static Optional<Duration> retryAfter(HttpResponse<String> response) {
		Optional<String> after = response.headers().firstValue("Retry-After");
		if (after.isPresent()) {
			try {
				return Optional.of(Duration.ofSeconds(Long.parseLong(after.get().trim())));
			}
			catch (NumberFormatException ex) {
				// an HTTP date: fall through to the reset header
			}
		}
		return response.headers().firstValue("x-ratelimit-reset").flatMap(reset -> {
			try {
				long seconds = Long.parseLong(reset.trim()) - Instant.now().getEpochSecond();
				return Optional.of(Duration.ofSeconds(Math.max(1, seconds)));
			}
			catch (NumberFormatException ex) {
				return Optional.empty();
			}
		});
	}

	private URI apiBase(PullRequestUrl url) {
		URI configured = this.settings.apiUrls().get(url.host());
		if (configured != null) {
			return configured;
		}
		if (url.provider().equals(PullRequestUrl.GITHUB)) {
			return url.host().equals("github.com") ? URI.create("https://api.github.com")
					: URI.create("https://" + url.host() + "/api/v3");
		}
		return URI.create("https://" + url.host() + "/api/v4");
	}

	private static boolean sameHost(URI location, URI target) {
		return location.getHost() != null && location.getHost().equalsIgnoreCase(target.getHost())
				&& location.getPort() == target.getPort()
				&& Optional.ofNullable(location.getScheme()).orElse("").equalsIgnoreCase(target.getScheme());
	}

	private static State github(JsonNode body) {
		Instant merged = instant(body, "merged_at");
		String state = text(body, "state");
		String normalised = (merged != null || body.path("merged").asBoolean(false)) ? "MERGED"
				: "closed".equalsIgnoreCase(state) ? "CLOSED" : body.path("draft").asBoolean(false) ? "DRAFT" : "OPEN";
		return new State(text(body, "title"), normalised, text(body.path("user"), "login"),
				text(body.path("head"), "ref"), text(body.path("base"), "ref"), instant(body, "created_at"),
				instant(body, "updated_at"), merged, instant(body, "closed_at"));
	}

	private static State gitlab(JsonNode body) {
		String state = String.valueOf(text(body, "state")).toLowerCase(Locale.ROOT);
		boolean draft = body.path("draft").asBoolean(false) || body.path("work_in_progress").asBoolean(false);
		String normalised = switch (state) {
			case "merged" -> "MERGED";
			case "closed", "locked" -> "CLOSED";
			default -> draft ? "DRAFT" : "OPEN";
		};
		return new State(text(body, "title"), normalised, text(body.path("author"), "username"),
				text(body, "source_branch"), text(body, "target_branch"), instant(body, "created_at"),
				instant(body, "updated_at"), instant(body, "merged_at"), instant(body, "closed_at"));
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static Instant instant(JsonNode node, String field) {
		String value = text(node, field);
		try {
			return (value != null) ? Instant.parse(value) : null;
		}
		catch (DateTimeParseException ex) {
			try {
				return java.time.OffsetDateTime.parse(value).toInstant();
			}
			catch (DateTimeParseException again) {
				return null;
			}
		}
	}

}
