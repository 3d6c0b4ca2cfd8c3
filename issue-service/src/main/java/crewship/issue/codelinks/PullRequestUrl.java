package crewship.issue.codelinks;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpStatus;

/**
 * A pull-request / merge-request web URL, recognised by its path grammar
 * ({@code /pull/<n>} → GitHub, {@code /-/merge_requests/<n>} → GitLab), so github.com,
 * gitlab.com and self-hosted instances of either all work.
 */
record PullRequestUrl(String provider, String host, String owner, String repo, int number, String kind, String url) {

	static final String GITHUB = "GITHUB";

	static final String GITLAB = "GITLAB";

	/**
	 * @throws crewship.platform.web.ProblemException 400 {@code unsupported-url}
	 */
	static PullRequestUrl parse(String value) {
		URI uri;
		try {
			uri = new URI((value != null) ? value.trim() : "");
		}
		catch (URISyntaxException ex) {
			throw unsupported();
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getPath() == null) {
			throw unsupported();
		}
		String host = uri.getHost().toLowerCase(Locale.ROOT) + ((uri.getPort() > 0) ? ":" + uri.getPort() : "");
		List<String> segments = Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList();
		int dash = segments.indexOf("-");
		if (dash >= 2 && segments.size() > dash + 2 && segments.get(dash + 1).equals("merge_requests")) {
			int number = number(segments.get(dash + 2));
			List<String> project = segments.subList(0, dash);
			String owner = String.join("/", project.subList(0, project.size() - 1));
			String repo = project.get(project.size() - 1);
			return new PullRequestUrl(GITLAB, host, owner, repo, number, "merge_request",
					scheme + "://" + host + "/" + String.join("/", project) + "/-/merge_requests/" + number);
		}
		if (segments.size() >= 4 && segments.get(2).equals("pull")) {
			int number = number(segments.get(3));
			return new PullRequestUrl(GITHUB, host, segments.get(0), segments.get(1), number, "pull_request",
					scheme + "://" + host + "/" + segments.get(0) + "/" + segments.get(1) + "/pull/" + number);
		}
		throw unsupported();
	}

	/** The host without its port, for address checks. */
	String hostName() {
		int colon = this.host.indexOf(':');
		return (colon < 0) ? this.host : this.host.substring(0, colon);
	}

	private static int number(String segment) {
		try {
			int number = Integer.parseInt(segment);
			if (number > 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// not a number
		}
		throw unsupported();
	}

	private static crewship.platform.web.ProblemException unsupported() {
		return CodeLinkProblem.of(HttpStatus.BAD_REQUEST, "unsupported-url",
				"Not a recognised pull-request (/owner/repo/pull/N) or merge-request (/group/project/-/merge_requests/N) URL");
	}

}
