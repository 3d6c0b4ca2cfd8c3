package crewship.mission.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.events.EventEnvelope;
import crewship.platform.events.Topics;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Timestamps;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ephemeral frames (streamed tokens as {@code agent.log} and a chat session's
 * {@code text} frames) go straight to {@code crewship.mission.v1}, not through the
 * outbox: a token stream written row by row would cost a transaction per token, and
 * nothing is lost when one is dropped — the whole output is stored with the run, and its
 * state changes are outbox events. Fire and forget: a broker hiccup never slows a run.
 */
@Component
public class LiveEvents {

	private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);

	private static final String TOPIC = Topics.domain("mission");

	private final KafkaTemplate<String, String> kafka;

	private final JsonMapper json;

	LiveEvents(KafkaTemplate<String, String> kafka, JsonMapper json) {
		this.kafka = kafka;
		this.json = json;
	}

	/** Sends one frame keyed by its subject (a run's or chat's frames stay in order). */
	public void send(String type, String workspaceId, String subject, String actor, Object data) {
		EventEnvelope event = new EventEnvelope(Cuid.next(), type, workspaceId, subject, actor, Timestamps.now(),
				this.json.valueToTree(data));
		try {
			this.kafka.send(TOPIC, subject, this.json.writeValueAsString(event)).whenComplete((result, ex) -> {
				if (ex != null) {
					log.debug("Dropped a live {} frame of {}: {}", type, subject, ex.getMessage());
				}
			});
		}
		catch (RuntimeException ex) {
			log.debug("Dropped a live {} frame of {}: {}", type, subject, ex.getMessage());
		}
	}

}
