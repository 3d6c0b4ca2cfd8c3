package crewship.mission.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Walks a workspace's chain in seq order (streamed, not loaded) and recomputes it: a
 * changed row fails its own hash, a deleted or reordered row breaks the seq run and the
 * next link, a deleted tail disagrees with the head. Reports the first break and up to
 * 100 of them.
 */
@Component
class ChainVerifier {

	static final int MAX_BREAKS = 100;

	private final JdbcTemplate jdbc;

	private final Journal journal;

	private final TransactionTemplate readOnly;

	ChainVerifier(JdbcTemplate jdbc, Journal journal, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.journal = journal;
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
	}

	record Break(long seq, String id, String kind, String reason) {
	}

	Map<String, Object> verify(String workspaceId) {
		return this.readOnly.execute(tx -> walk(workspaceId));
	}

	private Map<String, Object> walk(String workspaceId) {
		List<Break> breaks = new ArrayList<>();
		long[] count = { 0 };
		long[] breakCount = { 0 };
		long[] expectedSeq = { 1 };
		String[] previousHash = { ChainHash.GENESIS };
		JdbcTemplate streaming = new JdbcTemplate(this.jdbc.getDataSource());
		streaming.setFetchSize(500);
		streaming.query("select " + Journal.COLUMNS + " from journal_entry where workspace_id = ? order by seq", rs -> {
			ChainHash.Content content = Journal.content(rs);
			String storedPrevious = rs.getString("prev_hash");
			String stored = rs.getString("hash");
			count[0]++;
			List<Break> found = new ArrayList<>();
			if (content.seq() != expectedSeq[0]) {
				found.add(new Break(content.seq(), content.id(), "sequence",
						(content.seq() > expectedSeq[0])
								? "entries " + expectedSeq[0] + ".." + (content.seq() - 1) + " are missing"
								: "seq " + content.seq() + " appears out of order"));
			}
			if (!storedPrevious.equals(previousHash[0])) {
				found.add(new Break(content.seq(), content.id(), "link", "prev_hash at seq " + content.seq()
						+ " does not match the previous entry's hash: an entry was removed or reordered"));
			}
			if (!ChainHash.hash(this.journal.json(), storedPrevious, content).equals(stored)) {
				found.add(new Break(content.seq(), content.id(), "content",
						"content hash mismatch at seq " + content.seq() + ": entry was modified after write"));
			}
			breakCount[0] += found.size();
			for (Break b : found) {
				if (breaks.size() < MAX_BREAKS) {
					breaks.add(b);
				}
			}
			previousHash[0] = stored;
			expectedSeq[0] = content.seq() + 1;
		}, workspaceId);
		List<Map<String, Object>> head = this.jdbc
			.queryForList("select seq, hash from journal_head where workspace_id = ?", workspaceId);
		if (!head.isEmpty()) {
			long headSeq = ((Number) head.get(0).get("seq")).longValue();
			if (headSeq != expectedSeq[0] - 1 || !previousHash[0].equals(head.get(0).get("hash"))) {
				breakCount[0]++;
				if (breaks.size() < MAX_BREAKS) {
					breaks.add(new Break(headSeq, null, "head", "the chain's head is at seq " + headSeq
							+ " but the last entry is seq " + (expectedSeq[0] - 1) + ": entries were removed"));
				}
			}
		}
		Map<String, Object> answer = new LinkedHashMap<>();
		boolean ok = breaks.isEmpty();
		answer.put("workspace_id", workspaceId);
		answer.put("intact", ok);
		answer.put("ok", ok);
		answer.put("checked", count[0]);
		answer.put("count", count[0]);
		answer.put("broken_at", ok ? null : breaks.get(0).id());
		answer.put("error", ok ? null : breaks.get(0).reason());
		if (!ok) {
			answer.put("broken_seq", breaks.get(0).seq());
			answer.put("broken_id", breaks.get(0).id());
			answer.put("reason", breaks.get(0).reason());
		}
		answer.put("breaks", breaks);
		answer.put("break_count", breakCount[0]);
		return answer;
	}

}
