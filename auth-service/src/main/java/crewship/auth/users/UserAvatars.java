package crewship.auth.users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.multipart.MultipartFile;

import crewship.platform.images.ImageResponses;
import crewship.platform.images.PngImages;
import crewship.platform.images.SvgSanitizer;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * A user's own avatar: a PNG (kept as sent once its header checks out) or an SVG (kept as
 * the sanitiser re-serialised it), told apart by their bytes, never by a file name or a
 * declared type. Readable by the user and by anyone who shares a workspace with them.
 */
@Service
class UserAvatars {

	/** The suite's 1 MiB body limit bounds every upload; the avatar stays below it. */
	static final int MAX_PNG_BYTES = 1_000_000;

	private final JdbcTemplate jdbc;

	private final UserRepository users;

	UserAvatars(JdbcTemplate jdbc, UserRepository users) {
		this.jdbc = jdbc;
		this.users = users;
	}

	record Stored(MediaType type, byte[] content) {
	}

	@Transactional
	Map<String, Object> upload(String userId, MultipartFile file) {
		User user = user(userId);
		byte[] bytes = read(file);
		MediaType type;
		byte[] content;
		if (PngImages.isPng(bytes)) {
			if (bytes.length > MAX_PNG_BYTES) {
				throw ProblemException.badRequest("The avatar is larger than " + MAX_PNG_BYTES + " bytes");
			}
			PngImages.check(bytes);
			type = MediaType.IMAGE_PNG;
			content = bytes;
		}
		else if (SvgSanitizer.looksLikeSvg(bytes)) {
			type = ImageResponses.SVG;
			content = SvgSanitizer.sanitize(new String(bytes, StandardCharsets.UTF_8), SvgSanitizer.DEFAULT_MAX_BYTES)
				.getBytes(StandardCharsets.UTF_8);
		}
		else {
			throw ProblemException.badRequest("An avatar must be a PNG or an SVG image");
		}
		String sha256 = sha256(content);
		this.jdbc.update("""
				insert into user_avatars (user_id, content_type, content, sha256, updated_at) values (?, ?, ?, ?, ?)
				on conflict (user_id) do update set content_type = excluded.content_type, content = excluded.content,
				       sha256 = excluded.sha256, updated_at = excluded.updated_at
				""", userId, type.toString(), content, sha256, Timestamp.from(Timestamps.now()));
		user.avatarChanged(sha256);
		this.users.save(user);
		return profile(user);
	}

	@Transactional
	Map<String, Object> delete(String userId) {
		User user = user(userId);
		this.jdbc.update("delete from user_avatars where user_id = ?", userId);
		user.avatarChanged(null);
		this.users.save(user);
		return profile(user);
	}

	/**
	 * @throws ProblemException 404 when the user has no avatar, or shares no workspace
	 * with the caller (no oracle of who exists elsewhere)
	 */
	@Transactional(readOnly = true)
	Stored read(String callerId, String userId) {
		boolean visible = callerId.equals(userId) || !this.jdbc.queryForList("""
				select 1 from workspace_members mine
				  join workspace_members theirs on theirs.workspace_id = mine.workspace_id
				  join workspaces w on w.id = mine.workspace_id and w.deleted_at is null
				 where mine.user_id = ? and theirs.user_id = ? limit 1
				""", Integer.class, callerId, userId).isEmpty();
		List<Stored> found = visible
				? this.jdbc.query("select content_type, content from user_avatars where user_id = ?",
						(rs, n) -> new Stored(MediaType.parseMediaType(rs.getString(1)), rs.getBytes(2)), userId)
				: List.of();
		return found.stream().findFirst().orElseThrow(() -> ProblemException.notFound("No avatar for this user"));
	}

	private User user(String userId) {
		return this.users.findById(userId).orElseThrow(() -> ProblemException.unauthorized("Authentication required"));
	}

	static Map<String, Object> profile(User user) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("id", user.getId());
		body.put("email", user.getEmail());
		body.put("full_name", user.getFullName());
		body.put("avatar_url", user.avatarUrl());
		return body;
	}

	private static byte[] read(MultipartFile file) {
		if (file == null || file.isEmpty()) {
			throw ProblemException.badRequest("The form needs a non-empty file field");
		}
		try {
			return file.getBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha256(byte[] content) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
