package crewship.realtime;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import crewship.platform.internal.InternalProperties;
import crewship.realtime.auth.LiveSessions;
import crewship.realtime.auth.WsAuthenticator;
import crewship.realtime.channels.ChannelAccess;
import crewship.realtime.channels.ChannelWorkspaces;
import crewship.realtime.channels.Memberships;
import crewship.realtime.chat.ChatCommands;
import crewship.realtime.fanout.EventFanout;
import crewship.realtime.fanout.FanoutReadiness;
import crewship.realtime.sessions.RealtimeHandler;
import crewship.realtime.sessions.Subscribers;
import tools.jackson.databind.json.JsonMapper;

/** The parts of {@code /ws}, wired once. */
@Configuration(proxyBeanMethods = false)
class RealtimeConfiguration {

	@Bean
	LiveSessions liveSessions(WebClient internalWebClient) {
		return new LiveSessions(internalWebClient);
	}

	@Bean
	WsAuthenticator wsAuthenticator(RealtimeProperties properties, InternalProperties internal, LiveSessions sessions) {
		return WsAuthenticator.create(properties, internal, sessions);
	}

	@Bean
	Memberships memberships(WebClient internalWebClient, JsonMapper json) {
		return new Memberships(internalWebClient, json);
	}

	@Bean
	ChannelWorkspaces channelWorkspaces(WebClient internalWebClient, JsonMapper json, RealtimeProperties properties) {
		return new ChannelWorkspaces(200_000, internalWebClient, json, properties.ownerLookupTimeout());
	}

	@Bean
	ChannelAccess channelAccess(Memberships memberships, ChannelWorkspaces workspaces) {
		return new ChannelAccess(memberships, workspaces);
	}

	@Bean
	Subscribers subscribers() {
		return new Subscribers();
	}

	/** {@code fanout} in {@code /readyz}. */
	@Bean
	FanoutReadiness fanout() {
		return new FanoutReadiness();
	}

	@Bean
	EventFanout eventFanout(Subscribers subscribers, ChannelWorkspaces workspaces, Memberships memberships,
			JsonMapper json, FanoutReadiness fanout) {
		return new EventFanout(subscribers, workspaces, memberships, json, fanout);
	}

	@Bean
	ChatCommands chatCommands(ChannelAccess access, KafkaTemplate<String, String> kafka, JsonMapper json) {
		return new ChatCommands(access, kafka, json);
	}

	@Bean
	RealtimeHandler realtimeHandler(RealtimeProperties properties, WsAuthenticator authenticator, ChannelAccess access,
			Subscribers subscribers, ChatCommands chat, JsonMapper json) {
		return new RealtimeHandler(properties, authenticator, access, subscribers, chat, json);
	}

}
