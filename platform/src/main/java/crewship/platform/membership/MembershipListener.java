package crewship.platform.membership;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Feeds the replica from the compacted memberships topic. One consumer group per service:
 * the replica lives in the service's database, which all its replicas share.
 */
public class MembershipListener {

	private static final Logger log = LoggerFactory.getLogger(MembershipListener.class);

	private final MembershipReplica replica;

	private final JsonMapper json;

	public MembershipListener(MembershipReplica replica, JsonMapper json) {
		this.replica = replica;
		this.json = json;
	}

	@KafkaListener(topics = Topics.MEMBERSHIPS, groupId = "${spring.application.name}.memberships")
	public void onMembership(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return; // a tombstone only compacts the topic; the removal event before it
					// already applied
		}
		EventEnvelope event = this.json.readValue(record.value(), EventEnvelope.class);
		if (!Membership.CHANGED.equals(event.type())) {
			log.debug("Ignoring {} on {}", event.type(), Topics.MEMBERSHIPS);
			return;
		}
		this.replica.apply(this.json.treeToValue(event.data(), Membership.class));
	}

}
