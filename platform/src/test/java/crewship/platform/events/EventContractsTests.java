package crewship.platform.events;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import crewship.platform.membership.Membership;
import crewship.platform.membership.WorkspaceRole;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the JSON of the shared event contracts as any consumer reads them, with a plain
 * mapper and none of a service's JSON settings.
 */
class EventContractsTests {

	final JsonMapper plain = JsonMapper.builder().build();

	@Test
	void envelopeFieldsAreTheArchitecturesNames() {
		EventEnvelope event = new EventEnvelope("c1", "crew.created", "ws1", "crew1", "user1",
				Instant.parse("2026-01-15T10:30:00Z"), this.plain.readTree("{\"slug\":\"alpha\"}"));
		JsonNode json = this.plain.readTree(this.plain.writeValueAsString(event));
		assertThat(json.propertyNames()).containsExactlyInAnyOrder("id", "type", "workspace_id", "subject", "actor",
				"time", "data");
		assertThat(json.get("time").asString()).isEqualTo("2026-01-15T10:30:00Z");
		assertThat(this.plain.readValue(json.toString(), EventEnvelope.class)).isEqualTo(event);
	}

	@Test
	void membershipFieldsAreSnakeCaseWithSortedCapabilities() {
		Membership membership = new Membership("ws1", "user1", WorkspaceRole.MEMBER, 7,
				List.of("credentials:reveal", "chat", "credential.rotate"));
		JsonNode json = this.plain.readTree(this.plain.writeValueAsString(membership));
		assertThat(json.propertyNames()).containsExactlyInAnyOrder("workspace_id", "user_id", "role", "version",
				"capabilities");
		assertThat(json.get("role").asString()).isEqualTo("MEMBER");
		assertThat(json.get("capabilities").valueStream().map(JsonNode::asString).toList()).containsExactly("chat",
				"credential.rotate", "credentials:reveal");
		assertThat(this.plain.readValue(json.toString(), Membership.class)).isEqualTo(membership);
		assertThat(membership.hasCapability("credential.rotate")).isTrue();
		assertThat(membership.hasCapability("credential.create")).isFalse();
	}

	@Test
	void aRecordWithoutCapabilitiesReadsAsAnEmptySet() {
		Membership old = this.plain.readValue(
				"{\"workspace_id\":\"ws1\",\"user_id\":\"user1\",\"role\":\"ADMIN\",\"version\":8}", Membership.class);
		assertThat(old).isEqualTo(new Membership("ws1", "user1", WorkspaceRole.ADMIN, 8));
		assertThat(old.capabilities()).isEmpty();
		Membership removed = this.plain.readValue(
				"{\"workspace_id\":\"ws1\",\"user_id\":\"user1\",\"role\":null,\"version\":9,\"capabilities\":[\"chat\"]}",
				Membership.class);
		assertThat(removed.hasCapability("chat")).as("a removed member holds nothing").isFalse();
	}

}
