package crewship.devstack;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokerTests {

	@Test
	void clusterIdsAreNeverReadAsAnOption() {
		// 1 in 64 random ids started with '-' and broke `kafka-storage format -t <id>`
		for (int i = 0; i < 10_000; i++) {
			String id = KafkaBroker.clusterId();
			assertThat(id).hasSize(22).doesNotStartWith("-");
			assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
		}
	}

}
