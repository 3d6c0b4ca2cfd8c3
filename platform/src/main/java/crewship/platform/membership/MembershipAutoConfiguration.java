package crewship.platform.membership;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.web.client.RestClient;

import crewship.platform.events.EventsAutoConfiguration;
import crewship.platform.events.Topics;
import crewship.platform.internal.InternalClientAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The membership replica, its Kafka feed and the auth-service fallback, for services with
 * a database.
 */
@AutoConfiguration(after = { EventsAutoConfiguration.class, InternalClientAutoConfiguration.class })
@ConditionalOnClass(JdbcTemplate.class)
@ConditionalOnBean(JdbcTemplate.class)
public class MembershipAutoConfiguration {

	@Bean
	MembershipReplica membershipReplica(JdbcTemplate jdbc) {
		return new MembershipReplica(jdbc);
	}

	@Bean
	MembershipLookup membershipLookup(@Qualifier("internalRestClient") RestClient internalRestClient) {
		return new MembershipLookup(internalRestClient);
	}

	@Bean
	@ConditionalOnMissingBean
	WorkspaceAccess workspaceAccess(MembershipReplica replica, MembershipLookup lookup) {
		return new WorkspaceAccess(new ReplicatedRoles(replica, lookup));
	}

	@Bean
	@ConditionalOnProperty(name = "crewship.memberships.listen", matchIfMissing = true)
	MembershipListener membershipListener(MembershipReplica replica, JsonMapper json) {
		return new MembershipListener(replica, json);
	}

	/**
	 * Compacted: the latest state of every membership stays readable from the start of
	 * the topic.
	 */
	@Bean
	NewTopic membershipsTopic() {
		return TopicBuilder.name(Topics.MEMBERSHIPS).partitions(3).compact().build();
	}

}
