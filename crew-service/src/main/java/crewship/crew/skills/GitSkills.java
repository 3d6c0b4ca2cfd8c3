package crewship.crew.skills;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.HttpTransport;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.transport.http.HttpConnectionFactory;
import org.eclipse.jgit.transport.http.HttpConnectionFactory2;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/**
 * Reads every {@code SKILL.md} of a git repository for a bulk import: a shallow (depth
 * 1), bare clone with JGit into a temporary directory, walked from the commit's tree
 * without a checkout, then deleted. The URL passes the {@link SourceFence} (https, no
 * user-info, no private address), and so does every HTTP request JGit makes for it —
 * redirects included — through a fenced connection factory. The clone is cancelled once
 * it has written more than {@code git-max-bytes} or taken longer than
 * {@code git-timeout}; the check runs between received objects.
 */
@Component
class GitSkills {

	static final String FILE_NAME = "SKILL.md";

	private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");

	/** Where the one fetched commit is kept in the temporary repository. */
	private static final String FETCHED = "refs/import/head";

	private static final Logger log = LoggerFactory.getLogger(GitSkills.class);

	private final SourceFence fence;

	private final SkillProperties properties;

	GitSkills(SourceFence fence, SkillProperties properties) {
		this.fence = fence;
		this.properties = properties;
		FencedConnections.install(fence);
	}

	/** One SKILL.md found, by its path in the repository. */
	record Found(String path, String content) {
	}

	/** One SKILL.md left out before import (too large), with why. */
	record Left(String path, String reason) {
	}

	/**
	 * @param source {@code url@ref} as the answer reports it
	 * @param truncated whether the walk stopped at {@code git-max-skills}
	 */
	record Walk(String source, String host, List<Found> found, List<Left> left, boolean truncated) {
	}

	/**
	 * @throws ProblemException 502 for a URL the fence refuses, a clone that fails, is
	 * too large or too slow (the page's status for each)
	 */
	Walk walk(String gitUrl, String ref, List<String> paths) {
		URI uri = check(gitUrl);
		String source = gitUrl.trim() + ((ref != null && !ref.isBlank()) ? "@" + ref.trim() : "");
		Path directory;
		try {
			directory = Files.createTempDirectory("crewship-skills-git-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Bounds bounds = new Bounds(directory, this.properties.gitMaxBytes().toBytes(),
				System.nanoTime() + this.properties.gitTimeout().toNanos());
		try (Git git = fetch(gitUrl.trim(), ref, directory, bounds)) {
			// JGit may not ask again after the last object: measure once more
			if (bounds.exceeded()) {
				throw new IOException("clone exceeds its size cap");
			}
			return read(git.getRepository(), ref, source, uri.getHost(), paths);
		}
		catch (GitAPIException | IOException | RuntimeException ex) {
			if (ex instanceof ProblemException problem) {
				throw problem;
			}
			if (bounds.oversize) {
				throw failed("the repository exceeds " + (this.properties.gitMaxBytes().toMegabytes())
						+ " MB, the most a bulk import clones");
			}
			if (bounds.late) {
				throw failed("the clone took longer than " + this.properties.gitTimeout().toSeconds() + " s");
			}
			log.info("Bulk skill import from {} failed: {}", uri.getHost(), ex.toString());
			throw failed("git clone failed: " + rootMessage(ex));
		}
		finally {
			deleteRecursively(directory);
		}
	}

	private URI check(String gitUrl) {
		URI uri;
		try {
			uri = new URI(gitUrl.trim());
		}
		catch (URISyntaxException ex) {
			throw failed("git_url is not a valid URL");
		}
		if (uri.getScheme() != null && uri.getScheme().equalsIgnoreCase("file")) {
			if (!this.properties.allowFileRepositories()) {
				throw failed("validation rejected: only https git URLs are accepted");
			}
			return uri;
		}
		Set<String> schemes = (uri.getHost() != null && this.fence.isAllowedHost(uri.getHost()))
				? Set.of("https", "http") : Set.of("https");
		this.fence.refusal(uri, schemes).ifPresent(reason -> {
			throw failed("validation rejected: " + reason);
		});
		return uri;
	}

	/**
	 * Fetches exactly one commit, shallow, into an empty bare repository: the ref is
	 * resolved against the remote's advertisement first, so no other branch (and none of
	 * its history) is ever transferred.
	 */
	private Git fetch(String url, String ref, Path directory, Bounds bounds) throws GitAPIException, IOException {
		int timeoutSeconds = (int) Math.max(1, this.properties.gitTimeout().toSeconds());
		String source = source(url, ref, timeoutSeconds);
		Git git = Git.init().setBare(true).setDirectory(directory.toFile()).call();
		try {
			git.fetch()
				.setRemote(url)
				.setRefSpecs(new RefSpec("+" + source + ":" + FETCHED))
				.setDepth(1)
				.setTagOpt(TagOpt.NO_TAGS)
				.setTimeout(timeoutSeconds)
				.setProgressMonitor(bounds)
				.call();
			return git;
		}
		catch (GitAPIException | RuntimeException ex) {
			git.close();
			throw ex;
		}
	}

	/**
	 * The remote ref to fetch: a commit id as given (servers that allow fetching
	 * reachable commits answer it), else the branch or tag of that name, else the
	 * remote's HEAD.
	 */
	private static String source(String url, String ref, int timeoutSeconds) throws GitAPIException {
		if (ref != null && COMMIT.matcher(ref.trim()).matches()) {
			return ref.trim();
		}
		Map<String, Ref> refs = Git.lsRemoteRepository().setRemote(url).setTimeout(timeoutSeconds).callAsMap();
		if (ref == null || ref.isBlank()) {
			if (refs.containsKey(Constants.HEAD)) {
				return Constants.HEAD;
			}
			throw failed("git clone failed: the repository has no default branch; name one in git_ref");
		}
		String name = ref.trim();
		for (String candidate : List.of(Constants.R_HEADS + name, Constants.R_TAGS + name, name)) {
			if (refs.containsKey(candidate)) {
				return candidate;
			}
		}
		throw failed("git clone failed: the repository has no branch or tag '" + name + "'");
	}

	private Walk read(Repository repository, String ref, String source, String host, List<String> paths)
			throws IOException {
		ObjectId commitId = repository.resolve(FETCHED + "^{commit}");
		if (commitId == null) {
			throw failed("git clone failed: the repository has no commit" + ((ref != null) ? " at " + ref : ""));
		}
		List<String> prefixes = (paths == null) ? List.of()
				: paths.stream()
					.filter(path -> path != null && !path.isBlank())
					.map(path -> path.replace('\\', '/').replaceAll("^/+|/+$", ""))
					.toList();
		List<Found> found = new ArrayList<>();
		List<Left> left = new ArrayList<>();
		boolean truncated = false;
		try (RevWalk revWalk = new RevWalk(repository); TreeWalk walk = new TreeWalk(repository)) {
			RevCommit commit = revWalk.parseCommit(commitId);
			walk.addTree(commit.getTree());
			walk.setRecursive(true);
			while (walk.next()) {
				String path = walk.getPathString();
				if (!walk.getNameString().equals(FILE_NAME) || !under(path, prefixes)) {
					continue;
				}
				if (found.size() + left.size() >= this.properties.gitMaxSkills()) {
					truncated = true;
					break;
				}
				ObjectLoader loader = repository.open(walk.getObjectId(0));
				if (loader.getSize() > SkillFile.MAX_CONTENT_BYTES) {
					left.add(new Left(path, "SKILL.md exceeds " + (SkillFile.MAX_CONTENT_BYTES / 1024) + " KB"));
					continue;
				}
				found.add(new Found(path, new String(loader.getBytes(), StandardCharsets.UTF_8)));
			}
		}
		return new Walk(source, (host != null) ? host.toLowerCase(Locale.ROOT) : null, found, left, truncated);
	}

	private static boolean under(String path, List<String> prefixes) {
		if (prefixes.isEmpty()) {
			return true;
		}
		return prefixes.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
	}

	private static ProblemException failed(String detail) {
		return new ProblemException(HttpStatus.BAD_GATEWAY, detail);
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		return (message.length() > 300) ? message.substring(0, 300) + "…" : message;
	}

	private static void deleteRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			log.warn("Could not remove the clone directory {}: {}", directory, ex.toString());
		}
	}

	/**
	 * Cancels the clone once its directory outgrows the cap or its time is up. JGit asks
	 * between objects; the directory is measured at most every 100 ms.
	 */
	static final class Bounds implements ProgressMonitor {

		private final Path directory;

		private final long maxBytes;

		private final long deadline;

		private long measuredAt;

		volatile boolean oversize;

		volatile boolean late;

		Bounds(Path directory, long maxBytes, long deadline) {
			this.directory = directory;
			this.maxBytes = maxBytes;
			this.deadline = deadline;
		}

		@Override
		public boolean isCancelled() {
			long now = System.nanoTime();
			if (now > this.deadline) {
				this.late = true;
			}
			if (now - this.measuredAt > 100_000_000L) {
				this.measuredAt = now;
				if (size() > this.maxBytes) {
					this.oversize = true;
				}
			}
			return this.oversize || this.late;
		}

		/** Measures now: whether the clone outgrew the cap. */
		boolean exceeded() {
			if (size() > this.maxBytes) {
				this.oversize = true;
			}
			return this.oversize;
		}

		private long size() {
			try (Stream<Path> files = Files.walk(this.directory)) {
				return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
			}
			catch (IOException | UncheckedIOException ex) {
				return 0; // a file moved while walking; measured again shortly
			}
		}

		@Override
		public void start(int totalTasks) {
		}

		@Override
		public void beginTask(String title, int totalWork) {
		}

		@Override
		public void update(int completed) {
		}

		@Override
		public void endTask() {
		}

		@Override
		public void showDuration(boolean enabled) {
		}

	}

	/**
	 * JGit's HTTP connections, each URL fenced before it is opened: the repository's own
	 * and any redirect JGit follows. Installed once for the process (JGit keeps the
	 * factory statically); a later application context in the same JVM replaces the
	 * fence.
	 */
	static final class FencedConnections implements HttpConnectionFactory2 {

		private static final Set<String> SCHEMES = Set.of("http", "https");

		private final HttpConnectionFactory delegate;

		private final SourceFence fence;

		private FencedConnections(HttpConnectionFactory delegate, SourceFence fence) {
			this.delegate = delegate;
			this.fence = fence;
		}

		static synchronized void install(SourceFence fence) {
			HttpConnectionFactory current = HttpTransport.getConnectionFactory();
			HttpConnectionFactory base = (current instanceof FencedConnections fenced) ? fenced.delegate : current;
			HttpTransport.setConnectionFactory(new FencedConnections(base, fence));
		}

		@Override
		public HttpConnection create(URL url) throws IOException {
			check(url);
			return this.delegate.create(url);
		}

		@Override
		public HttpConnection create(URL url, Proxy proxy) throws IOException {
			check(url);
			return this.delegate.create(url, proxy);
		}

		@Override
		public GitSession newSession() {
			if (this.delegate instanceof HttpConnectionFactory2 sessions) {
				return sessions.newSession();
			}
			return new GitSession() {
				@Override
				public HttpConnection configure(HttpConnection connection, boolean sslVerify) {
					return connection;
				}

				@Override
				public void close() {
				}
			};
		}

		private void check(URL url) throws IOException {
			URI uri;
			try {
				uri = url.toURI();
			}
			catch (URISyntaxException ex) {
				throw new IOException("refused: not a valid URL");
			}
			Set<String> schemes = this.fence.isAllowedHost(uri.getHost()) ? SCHEMES : Set.of("https");
			String refused = this.fence.refusal(uri, schemes).orElse(null);
			if (refused != null) {
				throw new IOException("refused " + uri.getHost() + ": " + refused);
			}
		}

	}

}
