package crewship.realtime.fanout;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;

import crewship.platform.events.EventEnvelope;
import crewship.realtime.channels.Channel;
import crewship.realtime.channels.ChannelWorkspaces;
import crewship.realtime.channels.Memberships;
import crewship.realtime.sessions.ServerFrame;
import crewship.realtime.sessions.Subscribers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every replica reads every domain topic in a consumer group of its own (each sees every
 * event), from the latest offset — a socket only gets what happens after it subscribed —
 * and queues each event for its own subscribers of the channels the event belongs to. A
 * frame is serialized once per channel, not per client.
 */
public class EventFanout implements ConsumerSeekAware {

	private static final Logger log = LoggerFactory.getLogger(EventFanout.class);

	/** {@code data} fields naming the entity channels an event also belongs to. */
	private static final Map<String, String> ENTITY_FIELDS = Map.of("crew_id", Channel.CREW, "agent_id", Channel.AGENT,
			"mission_id", Channel.MISSION, "session_id", Channel.SESSION, "chat_id", Channel.SESSION);

	private final Subscribers subscribers;

	private final ChannelWorkspaces workspaces;

	private final Memberships memberships;

	private final JsonMapper json;

	private final FanoutReadiness readiness;

	public EventFanout(Subscribers subscribers, ChannelWorkspaces workspaces, Memberships memberships, JsonMapper json,
			FanoutReadiness readiness) {
		this.subscribers = subscribers;
		this.workspaces = workspaces;
		this.memberships = memberships;
		this.json = json;
		this.readiness = readiness;
	}

	@Override
	public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
		this.readiness.assigned(assignments.size());
	}

	@KafkaListener(id = "realtime-events",
			topics = { "crewship.auth.v1", "crewship.crew.v1", "crewship.mission.v1", "crewship.issue.v1",
					"crewship.vault.v1", "crewship.webhook.v1" },
			groupId = "${spring.application.name}-${crewship.realtime.instance-id}",
			properties = "auto.offset.reset=latest")
	void onEvent(ConsumerRecord<String, String> record) {
		if (record.value() == null) {
			return;
		}
		EventEnvelope event;
		try {
			event = this.json.readValue(record.value(), EventEnvelope.class);
		}
		catch (RuntimeException ex) {
			log.warn("Skipping an unreadable record on {} at {}: {}", record.topic(), record.offset(), ex.getMessage());
			return;
		}
		publish(event);
	}

	/**
	 * @return how many sockets the event was queued for
	 */
	public int publish(EventEnvelope event) {
		if (event.type() == null) {
			return 0;
		}
		int queued = 0;
		for (String channel : channelsOf(event).keySet()) {
			if (!this.subscribers.hasSubscribers(channel)) {
				continue;
			}
			String frame = this.json.writeValueAsString(new ServerFrame(event.type(), channel, event.data()));
			// a member removed since subscribing stops receiving at once
			queued += this.subscribers.deliver(channel, frame, connection -> event.workspaceId() == null
					|| this.memberships.isKnownMember(event.workspaceId(), connection.caller().subject()));
		}
		return queued;
	}

	/**
	 * The channels of an event: its workspace, the entity channel of its subject
	 * ({@code crew.created} → {@code crew:{subject}}), and the entities its data names;
	 * each entity channel is learnt as belonging to the event's workspace.
	 */
	Map<String, String> channelsOf(EventEnvelope event) {
		Map<String, String> channels = new LinkedHashMap<>();
		String workspaceId = event.workspaceId();
		if (workspaceId == null) {
			return channels;
		}
		channels.put(Channel.name(Channel.WORKSPACE, workspaceId), workspaceId);
		if (event.type().startsWith("keeper")) {
			channels.put(Channel.name(Channel.KEEPER, workspaceId), workspaceId);
		}
		String kind = event.type().substring(0, Math.max(0, event.type().indexOf('.')));
		if (event.subject() != null && (kind.equals(Channel.CREW) || kind.equals(Channel.AGENT)
				|| kind.equals(Channel.MISSION) || kind.equals("chat"))) {
			channels.put(Channel.name(kind.equals("chat") ? Channel.SESSION : kind, event.subject()), workspaceId);
		}
		JsonNode data = event.data();
		if (data != null && data.isObject()) {
			ENTITY_FIELDS.forEach((field, type) -> {
				JsonNode id = data.get(field);
				if (id != null && id.isString() && !id.asString().isBlank()) {
					channels.put(Channel.name(type, id.asString()), workspaceId);
				}
			});
		}
		channels.keySet()
			.stream()
			.filter(channel -> !channel.startsWith(Channel.WORKSPACE + ":")
					&& !channel.startsWith(Channel.KEEPER + ":"))
			.forEach(channel -> this.workspaces.learn(channel, workspaceId));
		return channels;
	}

}
