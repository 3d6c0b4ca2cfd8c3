package crewship.auth.preferences;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import crewship.platform.ids.Timestamps;
import crewship.platform.web.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A user's UI preferences: opaque JSON values under short keys, never workspace-scoped.
 * Bounded per value (16 KiB, 413 beyond) and per user ({@link #MAX_KEYS} keys, 409
 * beyond), so one account cannot grow the table without limit.
 */
@Service
class Preferences {

	static final Pattern KEY = Pattern.compile("[a-zA-Z0-9._-]{1,64}");

	static final int MAX_VALUE_BYTES = 16 * 1024;

	static final int MAX_KEYS = 200;

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	Preferences(JdbcTemplate jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	@Transactional(readOnly = true)
	Map<String, JsonNode> all(String userId) {
		Map<String, JsonNode> values = new LinkedHashMap<>();
		this.jdbc.query("select pref_key, pref_value from user_preferences where user_id = ? order by pref_key", rs -> {
			values.put(rs.getString(1), this.json.readTree(rs.getString(2)));
		}, userId);
		return values;
	}

	/**
	 * Upserts one key (last write wins). The user's row is locked first, so two devices
	 * adding keys at once cannot both pass the key cap.
	 */
	@Transactional
	/**
	 * The body as text, refusing bytes that are not UTF-8: a lenient decoding would store
	 * replacement characters the client never sent.
	 */
	private static String strictUtf8(byte[] raw) {
		if (raw == null) {
			return null;
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(raw))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw ProblemException.badRequest("The body is not UTF-8");
		}
	}

	void put(String userId, String key, byte[] raw) {
		requireKey(key);
		if (raw != null && raw.length > MAX_VALUE_BYTES) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"A preference value is at most " + MAX_VALUE_BYTES + " bytes");
		}
		String body = strictUtf8(raw);
		if (body == null || body.isBlank()) {
			throw ProblemException.badRequest("The body must be a JSON value");
		}
		try {
			this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw ProblemException.badRequest("The body is not one JSON value: " + ex.getOriginalMessage());
		}
		if (this.jdbc.queryForList("select id from users where id = ? for update", String.class, userId).isEmpty()) {
			throw ProblemException.unauthorized("Authentication required");
		}
		Integer others = this.jdbc.queryForObject(
				"select count(*) from user_preferences where user_id = ? and pref_key <> ?", Integer.class, userId,
				key);
		if (others != null && others >= MAX_KEYS) {
			throw ProblemException.conflict("At most " + MAX_KEYS + " preference keys per user: delete one first");
		}
		this.jdbc.update(
				"""
						insert into user_preferences (user_id, pref_key, pref_value, updated_at) values (?, ?, cast(? as json), ?)
						on conflict (user_id, pref_key) do update set pref_value = excluded.pref_value, updated_at = excluded.updated_at
						""",
				userId, key, body.strip(), Timestamp.from(Timestamps.now()));
	}

	/** Idempotent: an absent key is no error. */
	@Transactional
	void delete(String userId, String key) {
		requireKey(key);
		this.jdbc.update("delete from user_preferences where user_id = ? and pref_key = ?", userId, key);
	}

	private static void requireKey(String key) {
		if (key == null || !KEY.matcher(key).matches()) {
			throw ProblemException.badRequest("A preference key is 1-64 characters of [a-zA-Z0-9._-]");
		}
	}

}
