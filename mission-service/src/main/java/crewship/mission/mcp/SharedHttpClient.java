package crewship.mission.mcp;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * One {@link HttpClient} for every MCP connection of this replica, handed to the SDK's
 * transports as a builder whose {@code build()} returns it: the SDK builds a client per
 * transport and never closes it, which per run would leave a selector thread and a
 * connection pool behind each of hundreds of runs in flight. Headers (the credential's
 * among them) are set per request, so sharing the client shares nothing secret. What the
 * SDK sets on the builder (HTTP/1.1, its connect timeout) is this client's already.
 */
final class SharedHttpClient implements HttpClient.Builder {

	private final HttpClient client;

	SharedHttpClient(Duration connectTimeout) {
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(connectTimeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(Executors.newVirtualThreadPerTaskExecutor())
			.build();
	}

	@Override
	public HttpClient build() {
		return this.client;
	}

	@Override
	public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
		return this;
	}

	@Override
	public HttpClient.Builder connectTimeout(Duration duration) {
		return this;
	}

	@Override
	public HttpClient.Builder sslContext(SSLContext sslContext) {
		return this;
	}

	@Override
	public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
		return this;
	}

	@Override
	public HttpClient.Builder executor(Executor executor) {
		return this;
	}

	@Override
	public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
		return this;
	}

	@Override
	public HttpClient.Builder version(HttpClient.Version version) {
		return this;
	}

	@Override
	public HttpClient.Builder priority(int priority) {
		return this;
	}

	@Override
	public HttpClient.Builder proxy(ProxySelector proxySelector) {
		return this;
	}

	@Override
	public HttpClient.Builder authenticator(Authenticator authenticator) {
		return this;
	}

}
