package crewship.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ClientAddressTests {

	@Test
	void withoutTrustedProxiesTheHeaderIsIgnored() {
		ClientAddress clients = new ClientAddress(List.of());
		assertThat(clients.of(from("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
	}

	@Test
	void aClientConnectingDirectlyCannotChooseItsAddress() {
		ClientAddress clients = new ClientAddress(List.of("10.0.0.0/8"));
		assertThat(clients.of(from("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
	}

	@Test
	void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
		ClientAddress clients = new ClientAddress(List.of("10.0.0.0/8", "127.0.0.1"));
		// the client wrote 1.2.3.4 itself; the proxies appended the real client and each
		// other
		assertThat(clients.of(from("127.0.0.1", "1.2.3.4, 198.51.100.9, 10.1.2.3"))).isEqualTo("198.51.100.9");
		assertThat(clients.of(from("10.0.0.5", "not-an-address"))).as("an unusable hop keys by the proxy")
			.isEqualTo("10.0.0.5");
		assertThat(clients.of(from("10.0.0.5", null))).isEqualTo("10.0.0.5");
	}

	@Test
	void ipv6ClientsAreKeyedByTheirSlash64() {
		ClientAddress clients = new ClientAddress(List.of());
		assertThat(clients.of(from("2001:db8:1:2:aaaa::1", null)))
			.isEqualTo(clients.of(from("2001:db8:1:2:bbbb::2", null)))
			.isNotEqualTo(clients.of(from("2001:db8:1:3::1", null)));
	}

	@Test
	void aRangeThatTrustsEveryoneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ClientAddress(List.of("0.0.0.0/0")));
	}

	static MockServerHttpRequest from(String peer, String forwardedFor) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/v1/crews")
			.remoteAddress(new InetSocketAddress(peer, 40000));
		if (forwardedFor != null) {
			request.header(ClientAddress.FORWARDED_FOR, forwardedFor);
		}
		return request.build();
	}

}
