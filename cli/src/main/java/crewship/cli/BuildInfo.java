package crewship.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Which build of the CLI this is: the Maven version and build time (filtered into
 * {@code build.properties}) and the git commit and dirty flag ({@code git.properties});
 * {@code dirty} is null when the build knew no git state.
 */
public record BuildInfo(String version, String commit, String buildTime, Boolean dirty) {

	private static BuildInfo loaded;

	public static synchronized BuildInfo load() {
		if (loaded == null) {
			Properties build = read("build.properties");
			Properties git = read("git.properties");
			String dirty = git.getProperty("git.dirty");
			loaded = new BuildInfo(build.getProperty("version", "dev"), git.getProperty("git.commit.id", "unknown"),
					build.getProperty("build_time", ""), (dirty != null) ? Boolean.valueOf(dirty) : null);
		}
		return loaded;
	}

	private static Properties read(String name) {
		Properties properties = new Properties();
		try (InputStream in = BuildInfo.class.getResourceAsStream(name)) {
			if (in != null) {
				properties.load(in);
			}
		}
		catch (IOException ex) {
			// an unreadable resource is an unknown build, not a failure
		}
		return properties;
	}

}
