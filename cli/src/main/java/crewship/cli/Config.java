package crewship.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code ~/.crewship/cli-config.yaml}: the server the stored token was issued for, the
 * token and its id, the selected workspace. Written owner-only (0600, in a 0700
 * directory) and atomically; a malformed file is never overwritten, so a typo does not
 * silently wipe a saved login.
 */
public final class Config {

	public static final String SERVER = "server";

	public static final String TOKEN = "token";

	public static final String TOKEN_ID = "token_id";

	public static final String EMAIL = "email";

	public static final String WORKSPACE = "workspace";

	public static final String WORKSPACE_SLUG = "workspace_slug";

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	private final Path file;

	private final ObjectNode values;

	private final String malformed;

	private Config(Path file, ObjectNode values, String malformed) {
		this.file = file;
		this.values = values;
		this.malformed = malformed;
	}

	/** The directory of the config and the class-data cache: {@code $HOME/.crewship}. */
	public static Path directory() {
		String home = System.getenv("HOME");
		return Path.of((home != null && !home.isBlank()) ? home : System.getProperty("user.home"), ".crewship");
	}

	/**
	 * @param dir the config directory, {@code $HOME/.crewship}
	 */
	public static Config load(Path dir) {
		Path file = dir.resolve("cli-config.yaml");
		if (!Files.exists(file)) {
			return new Config(file, YAML.createObjectNode(), null);
		}
		try {
			JsonNode read = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
			if (read == null || read.isMissingNode() || read.isNull()) {
				return new Config(file, YAML.createObjectNode(), null);
			}
			if (!read.isObject()) {
				return new Config(file, YAML.createObjectNode(), "not a mapping");
			}
			return new Config(file, (ObjectNode) read, null);
		}
		catch (JacksonException ex) {
			return new Config(file, YAML.createObjectNode(), ex.getOriginalMessage());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public Path file() {
		return this.file;
	}

	public String get(String key) {
		JsonNode value = this.values.get(key);
		return (value == null || value.isNull()) ? null : value.asString();
	}

	public Config set(String key, String value) {
		if (value == null) {
			this.values.remove(key);
		}
		else {
			this.values.put(key, value);
		}
		return this;
	}

	/**
	 * @throws Failure exit 2 when the file exists but is malformed (it is never
	 * overwritten)
	 */
	public Config requireWritable() {
		if (this.malformed != null) {
			throw Failure.validation("refusing to overwrite a malformed file — fix or remove " + this.file
					+ " and retry (" + this.malformed + ")");
		}
		return this;
	}

	public void save() {
		requireWritable();
		try {
			Path dir = this.file.getParent();
			createPrivateDirectory(dir);
			Path temp = Files.createTempFile(dir, "cli-config", ".tmp", ownerOnly("rw-------"));
			try {
				Files.writeString(temp, YAML.writeValueAsString(this.values), StandardCharsets.UTF_8);
				try {
					Files.move(temp, this.file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(temp, this.file, StandardCopyOption.REPLACE_EXISTING);
				}
			}
			finally {
				Files.deleteIfExists(temp);
			}
			if (Files.getFileStore(this.file).supportsFileAttributeView("posix")) {
				Files.setPosixFilePermissions(this.file, PosixFilePermissions.fromString("rw-------"));
			}
		}
		catch (IOException ex) {
			throw Failure.general("could not write " + this.file + ": " + ex.getMessage());
		}
	}

	private static void createPrivateDirectory(Path dir) throws IOException {
		try {
			Files.createDirectories(dir, ownerOnly("rwx------"));
		}
		catch (FileAlreadyExistsException ex) {
			// a link to a directory: fine
		}
		if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
		}
	}

	private static java.nio.file.attribute.FileAttribute<?>[] ownerOnly(String permissions) {
		boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		return posix
				? new java.nio.file.attribute.FileAttribute<?>[] {
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)) }
				: new java.nio.file.attribute.FileAttribute<?>[0];
	}

}
