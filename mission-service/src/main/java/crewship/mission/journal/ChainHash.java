package crewship.mission.journal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The chain's arithmetic: an entry's hash is SHA-256 over the previous entry's hash and
 * the entry's canonical content (every stored column but the mutable priority), so
 * editing, deleting or reordering a row breaks every later link.
 */
final class ChainHash {

	/** The previous hash of a workspace's first entry. */
	static final String GENESIS = "0".repeat(64);

	private ChainHash() {
	}

	/** The stored, hashed columns of an entry. */
	record Content(String id, String workspaceId, long seq, String eventId, Instant ts, String entryType,
			String severity, String actorType, String actorId, String crewId, String agentId, String missionId,
			String traceId, String summary, String payload, String refs, BigDecimal costUsd) {

	}

	static String hash(JsonMapper json, String previousHash, Content content) {
		ArrayNode fields = json.createArrayNode();
		fields.add("journal.v1");
		fields.add(content.id());
		fields.add(content.workspaceId());
		fields.add(content.seq());
		fields.add(content.eventId());
		fields.add(content.ts().toString());
		fields.add(content.entryType());
		fields.add(content.severity());
		fields.add(content.actorType());
		fields.add(content.actorId());
		fields.add(content.crewId());
		fields.add(content.agentId());
		fields.add(content.missionId());
		fields.add(content.traceId());
		fields.add(content.summary());
		fields.add(content.payload());
		fields.add(content.refs());
		fields.add((content.costUsd() != null) ? cost(content.costUsd()).toPlainString() : null);
		return sha256Hex(previousHash + "|" + json.writeValueAsString(fields));
	}

	/** The stored precision of a cost (numeric(18, 6)), so it hashes as it reads back. */
	static BigDecimal cost(BigDecimal value) {
		return value.setScale(6, RoundingMode.HALF_UP);
	}

	/**
	 * JSON with object keys sorted at every level: one text per value, whatever order the
	 * producer wrote.
	 */
	static String canonical(JsonMapper json, JsonNode node) {
		StringBuilder out = new StringBuilder();
		write(json, node, out);
		return out.toString();
	}

	static String canonicalRefs(JsonMapper json, Map<String, String> refs) {
		return (refs == null || refs.isEmpty()) ? null : canonical(json, (JsonNode) json.valueToTree(refs));
	}

	private static void write(JsonMapper json, JsonNode node, StringBuilder out) {
		if (node.isObject()) {
			List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
			fields.sort(Map.Entry.comparingByKey());
			out.append('{');
			for (int i = 0; i < fields.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				out.append(json.writeValueAsString(fields.get(i).getKey())).append(':');
				write(json, fields.get(i).getValue(), out);
			}
			out.append('}');
		}
		else if (node.isArray()) {
			out.append('[');
			for (int i = 0; i < node.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(json, node.get(i), out);
			}
			out.append(']');
		}
		else {
			out.append(json.writeValueAsString(node));
		}
	}

	static String sha256Hex(String text) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
