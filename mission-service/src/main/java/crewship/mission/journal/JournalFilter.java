package crewship.mission.journal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import crewship.platform.web.ProblemException;

/**
 * The journal's AND-combined filter set (list, count, stream), parsed and validated once:
 * as SQL for the reads and as a predicate for the live stream, so both select the same
 * entries.
 */
public record JournalFilter(List<String> crewIds, List<String> agentIds, String missionId, String traceId,
		List<String> entryTypes, List<String> excludedTypes, List<String> severities, List<String> actorTypes,
		List<String> priorities, Instant since, Instant until, String q) {

	static final Set<String> SEVERITIES = Set.of("info", "notice", "warn", "error");

	static final Set<String> ACTOR_TYPES = Set.of("agent", "user", "system", "keeper", "sidecar", "orchestrator");

	static final Set<String> PRIORITIES = Set.of("normal", "high", "pin", "permanent");

	/** No filter at all. */
	public static JournalFilter none() {
		return new JournalFilter(List.of(), List.of(), null, null, List.of(), List.of(), List.of(), List.of(),
				List.of(), null, null, null);
	}

	public static JournalFilter of(HttpServletRequest request) {
		List<String> crewIds = csv(request.getParameter("crew_ids"));
		if (crewIds.isEmpty()) {
			crewIds = csv(request.getParameter("crew_id"));
		}
		List<String> agentIds = csv(request.getParameter("agent_ids"));
		if (agentIds.isEmpty()) {
			agentIds = csv(request.getParameter("agent_id"));
		}
		String q = blankToNull(request.getParameter("q"));
		if (q != null && q.length() > 200) {
			throw ProblemException.badRequest("q is at most 200 characters");
		}
		return new JournalFilter(crewIds, agentIds, blankToNull(request.getParameter("mission_id")),
				blankToNull(request.getParameter("trace_id")), csv(request.getParameter("entry_type")),
				csv(request.getParameter("exclude_entry_type")),
				checked("severity", csv(request.getParameter("severity")), SEVERITIES),
				checked("actor_type", csv(request.getParameter("actor_type")), ACTOR_TYPES),
				checked("priority", csv(request.getParameter("priority")), PRIORITIES),
				time("since", request.getParameter("since")), time("until", request.getParameter("until")), q);
	}

	/** The same filter narrowed to one crew (the activity feed's {@code crew_id}). */
	public JournalFilter withCrew(String crewId) {
		return new JournalFilter((crewId != null) ? List.of(crewId) : this.crewIds, this.agentIds, this.missionId,
				this.traceId, this.entryTypes, this.excludedTypes, this.severities, this.actorTypes, this.priorities,
				this.since, this.until, this.q);
	}

	/**
	 * Appends {@code and …} predicates over {@code journal_entry} and their arguments.
	 */
	void where(StringBuilder sql, List<Object> args) {
		in(sql, args, "crew_id", this.crewIds, false);
		in(sql, args, "agent_id", this.agentIds, false);
		in(sql, args, "entry_type", this.entryTypes, false);
		in(sql, args, "entry_type", this.excludedTypes, true);
		in(sql, args, "severity", this.severities, false);
		in(sql, args, "actor_type", this.actorTypes, false);
		in(sql, args, "priority", this.priorities, false);
		if (this.missionId != null) {
			sql.append(" and mission_id = ?");
			args.add(this.missionId);
		}
		if (this.traceId != null) {
			sql.append(" and trace_id = ?");
			args.add(this.traceId);
		}
		if (this.since != null) {
			sql.append(" and ts >= ?");
			args.add(java.sql.Timestamp.from(this.since));
		}
		if (this.until != null) {
			sql.append(" and ts <= ?");
			args.add(java.sql.Timestamp.from(this.until));
		}
		if (this.q != null) {
			String pattern = "%" + this.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
			sql.append(" and (summary ilike ? or coalesce(payload, '') ilike ?)");
			args.add(pattern);
			args.add(pattern);
		}
	}

	/** Whether an entry matches, as {@link #where} would select it. */
	boolean matches(Journal.Stored stored) {
		JournalEntry entry = stored.entry();
		if (!this.crewIds.isEmpty() && !this.crewIds.contains(entry.crewId())
				|| !this.agentIds.isEmpty() && !this.agentIds.contains(entry.agentId())
				|| !this.entryTypes.isEmpty() && !this.entryTypes.contains(entry.entryType())
				|| this.excludedTypes.contains(entry.entryType())
				|| !this.severities.isEmpty() && !this.severities.contains(entry.severity())
				|| !this.actorTypes.isEmpty() && !this.actorTypes.contains(entry.actorType())
				|| !this.priorities.isEmpty() && !this.priorities.contains(entry.priority())
				|| this.missionId != null && !this.missionId.equals(entry.missionId())
				|| this.traceId != null && !this.traceId.equals(entry.traceId())
				|| this.since != null && stored.ts().isBefore(this.since)
				|| this.until != null && stored.ts().isAfter(this.until)) {
			return false;
		}
		if (this.q == null) {
			return true;
		}
		String needle = this.q.toLowerCase(Locale.ROOT);
		return entry.summary().toLowerCase(Locale.ROOT).contains(needle)
				|| (entry.payload() != null && entry.payload().toString().toLowerCase(Locale.ROOT).contains(needle));
	}

	private static void in(StringBuilder sql, List<Object> args, String column, List<String> values, boolean not) {
		if (values.isEmpty()) {
			return;
		}
		sql.append(" and ").append(not ? "(" + column + " is null or " + column + " not in (" : column + " in (");
		for (int i = 0; i < values.size(); i++) {
			sql.append((i > 0) ? ", ?" : "?");
			args.add(values.get(i));
		}
		sql.append(not ? "))" : ")");
	}

	static List<String> csv(String value) {
		if (value == null || value.isBlank()) {
			return List.of();
		}
		List<String> values = new ArrayList<>();
		Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).distinct().forEach(values::add);
		if (values.size() > 100) {
			throw ProblemException.badRequest("at most 100 values per filter");
		}
		return List.copyOf(values);
	}

	private static List<String> checked(String name, List<String> values, Set<String> allowed) {
		for (String value : values) {
			if (!allowed.contains(value)) {
				throw ProblemException.badRequest("Unknown " + name + " '" + value + "'; one of " + allowed);
			}
		}
		return values;
	}

	static Instant time(String name, String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.trim()).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw ProblemException.badRequest(name + " must be an RFC 3339 time");
		}
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
