package crewship.issue.directory;

import java.sql.Timestamp;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.ProcessedEvents;
import crewship.platform.events.Topics;
import crewship.platform.membership.Membership;
import crewship.platform.membership.MembershipLookup;
import crewship.platform.membership.MembershipReplica;
import crewship.platform.membership.ReplicatedRoles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who belongs to a workspace, and what they are called. Membership itself is the
 * platform's replica ({@link ReplicatedRoles}: auth-service is asked once on a miss);
 * display names come from the same compacted topic, whose records auth-service writes
 * with the member's {@code name} (and writes again on a rename), kept here per
 * membership.
 */
@Component
public class MemberDirectory {

	static final String CONSUMER = "issue.member-names";

	private static final Logger log = LoggerFactory.getLogger(MemberDirectory.class);

	private final JdbcTemplate jdbc;

	private final JsonMapper json;

	private final ProcessedEvents processed;

	private final TransactionTemplate transactions;

	private final ReplicatedRoles roles;

	MemberDirectory(JdbcTemplate jdbc, JsonMapper json, ProcessedEvents processed,
			PlatformTransactionManager transactionManager, MembershipReplica replica, MembershipLookup lookup) {
		this.jdbc = jdbc;
		this.json = json;
		this.processed = processed;
		this.transactions = new TransactionTemplate(transactionManager);
		this.roles = new ReplicatedRoles(replica, lookup);
	}

	@KafkaListener(topics = Topics.MEMBERSHIPS, groupId = "${spring.application.name}.member-names")
	void onMembership(ConsumerRecord<String, String> record) {
		if (record.value() != null) {
			apply(this.json.readValue(record.value(), EventEnvelope.class));
		}
	}

	public void apply(EventEnvelope event) {
		if (!Membership.CHANGED.equals(event.type())) {
			return;
		}
		this.transactions.executeWithoutResult(status -> {
			if (!this.processed.markApplied(CONSUMER, event.id())) {
				return;
			}
			JsonNode data = event.data();
			String workspaceId = Events.text(data, "workspace_id");
			String userId = Events.text(data, "user_id");
			String name = Events.text(data, "name");
			if (workspaceId == null || userId == null || name == null) {
				log.trace("No name on {}", event.id());
				return;
			}
			this.jdbc.update("""
					insert into member_directory (workspace_id, user_id, name, event_time) values (?, ?, ?, ?)
					on conflict (workspace_id, user_id) do update
					   set name = excluded.name, event_time = excluded.event_time
					 where member_directory.event_time <= excluded.event_time
					""", workspaceId, userId, name, Timestamp.from(event.time()));
		});
	}

	/**
	 * Whether the user is a current member of the workspace (asking auth-service once on
	 * a replica miss).
	 */
	public boolean isMember(String workspaceId, String userId) {
		return this.roles.roleOf(workspaceId, userId) != null;
	}

	/** The member's display name, if auth-service's records carried one. */
	public Optional<String> name(String workspaceId, String userId) {
		return this.jdbc
			.queryForList("select name from member_directory where workspace_id = ? and user_id = ?", String.class,
					workspaceId, userId)
			.stream()
			.findFirst();
	}

}
