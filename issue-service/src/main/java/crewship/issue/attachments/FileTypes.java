package crewship.issue.attachments;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an attachment is, decided by its extension against an allowlist: the uploader's
 * {@code Content-Type} is never trusted (served back, it would be stored XSS from our own
 * origin). Binary formats must also start with their format's signature. {@code .html},
 * {@code .svg} and executables are absent on purpose.
 */
final class FileTypes {

	private static final String UTF8 = "; charset=utf-8";

	static final Map<String, String> ALLOWED = new TreeMap<>(Map.ofEntries(Map.entry("txt", "text/plain" + UTF8),
			Map.entry("log", "text/plain" + UTF8), Map.entry("md", "text/markdown" + UTF8),
			Map.entry("csv", "text/csv" + UTF8), Map.entry("tsv", "text/tab-separated-values" + UTF8),
			Map.entry("json", "application/json"), Map.entry("yaml", "application/yaml"),
			Map.entry("yml", "application/yaml"), Map.entry("toml", "application/toml"),
			Map.entry("xml", "application/xml"), Map.entry("diff", "text/x-diff" + UTF8),
			Map.entry("patch", "text/x-diff" + UTF8), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
			Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
			Map.entry("avif", "image/avif"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
			Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip")));

	/** Leading bytes a file of the binary formats always has. */
	private static final Map<String, byte[][]> SIGNATURES = Map.ofEntries(
			Map.entry("png", new byte[][] { { (byte) 0x89, 'P', 'N', 'G' } }),
			Map.entry("jpg", new byte[][] { { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF } }),
			Map.entry("jpeg", new byte[][] { { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF } }),
			Map.entry("gif", new byte[][] { ascii("GIF87a"), ascii("GIF89a") }),
			Map.entry("webp", new byte[][] { ascii("RIFF") }), Map.entry("pdf", new byte[][] { ascii("%PDF-") }),
			Map.entry("zip", new byte[][] { { 'P', 'K', 3, 4 }, { 'P', 'K', 5, 6 } }),
			Map.entry("gz", new byte[][] { { 0x1F, (byte) 0x8B } }),
			Map.entry("tgz", new byte[][] { { 0x1F, (byte) 0x8B } }));

	private FileTypes() {
	}

	static String extension(String filename) {
		int dot = filename.lastIndexOf('.');
		return (dot < 0) ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
	}

	/** The served content type, when the extension is allowed. */
	static Optional<String> contentType(String filename) {
		return Optional.ofNullable(ALLOWED.get(extension(filename)));
	}

	/** Whether the bytes look like the format the extension names. */
	static boolean contentMatches(String filename, byte[] content) {
		byte[][] signatures = SIGNATURES.get(extension(filename));
		if (signatures == null) {
			return true;
		}
		for (byte[] signature : signatures) {
			if (content.length >= signature.length
					&& Arrays.equals(Arrays.copyOf(content, signature.length), signature)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The uploaded name as a label, never a path: its last segment, without control
	 * characters or quotes, at most 255 characters. @return empty when nothing is left
	 */
	static String sanitize(String original) {
		if (original == null) {
			return "";
		}
		String name = original.replace('\\', '/');
		name = name.substring(name.lastIndexOf('/') + 1);
		name = name.replaceAll("[\\p{Cntrl}\"]", "").strip();
		if (name.equals(".") || name.equals("..")) {
			return "";
		}
		return (name.length() > 255) ? name.substring(name.length() - 255) : name;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
