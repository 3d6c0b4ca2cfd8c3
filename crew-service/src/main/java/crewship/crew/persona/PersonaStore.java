package crewship.crew.persona;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;

/**
 * The history of the persona layers (crew and agent): each write is a version row, so the
 * chain can be replayed. The current content lives on the crew or agent itself.
 */
@Component
public class PersonaStore {

	/** The page's {@code cap_bytes}: the most a persona layer may hold. */
	public static final int CAP_BYTES = 1500;

	private final JdbcTemplate jdbc;

	PersonaStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One version of a layer, without its content (the page keeps history small). */
	public record Version(String id, String sha256, int bytes, Instant writtenAt, String writtenBy,
			@JsonInclude(JsonInclude.Include.NON_NULL) String parentSha) {
	}

	/**
	 * @throws ProblemException 413 above {@link #CAP_BYTES}
	 */
	public static int checkedSize(String content) {
		int bytes = content.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > CAP_BYTES) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"content is " + bytes + " bytes; a persona may hold at most " + CAP_BYTES);
		}
		return bytes;
	}

	@Transactional(propagation = Propagation.MANDATORY)
	public Instant recordWrite(String ownerType, String ownerId, String content, String userId) {
		String parent = this.jdbc.query(
				"select sha256 from persona_version where owner_type = ? and owner_id = ? order by written_at desc, id desc limit 1",
				(rs, n) -> rs.getString(1), ownerType, ownerId)
			.stream()
			.findFirst()
			.orElse(null);
		Instant now = Timestamps.now();
		this.jdbc.update(
				"insert into persona_version (id, owner_type, owner_id, sha256, bytes, content, written_at, written_by, parent_sha) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				Cuid.next(), ownerType, ownerId, sha256(content), content.getBytes(StandardCharsets.UTF_8).length,
				content, java.sql.Timestamp.from(now), userId, parent);
		return now;
	}

	public List<Version> history(String ownerType, String ownerId, int limit) {
		return this.jdbc.query(
				"select id, sha256, bytes, written_at, written_by, parent_sha from persona_version where owner_type = ? and owner_id = ? order by written_at desc, id desc limit ?",
				(rs, n) -> new Version(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getTimestamp(4).toInstant(),
						rs.getString(5), rs.getString(6)),
				ownerType, ownerId, limit);
	}

	private static String sha256(String content) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
