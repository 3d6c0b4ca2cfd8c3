package crewship.cli.agents;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import crewship.cli.Api;
import crewship.cli.CliCommand;
import crewship.cli.Failure;
import crewship.cli.GroupCommand;
import crewship.cli.Output;
import crewship.cli.Prompts;
import crewship.cli.Refs;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An agent's webhook trigger: rotating its signing secret (shown once), and the curl that
 * sends a signed test delivery ({@code X-Timestamp} + {@code X-Signature}, the HMAC of
 * {@code "{timestamp}.{body}"}). The curl carries the signature, never the secret.
 */
@Command(name = "webhook", description = "Rotate an agent's webhook secret; print a signed test delivery.",
		subcommands = { WebhookCommand.Rotate.class, WebhookCommand.Curl.class })
public class WebhookCommand extends GroupCommand {

	static final String TEST_BODY = "{\"prompt\":\"Test delivery from the crewship CLI\"}";

	@Command(name = "rotate", description = "Rotate the agent's webhook secret (the old one stops at once).")
	static class Rotate extends CliCommand {

		@Parameters(index = "0", paramLabel = "AGENT")
		String ref;

		@Option(names = { "-y", "--yes" }, description = "Skip the confirmation prompt.")
		boolean yes;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode agent = Refs.agent(api, this.ref);
			Prompts.confirm("Rotate the webhook secret of " + agent.path("slug").asString()
					+ "? Senders using the old one are refused at once.", this.yes);
			JsonNode rotated = api.post(
					"/api/v1/agents/" + Api.segment(agent.get("id").asString()) + "/webhook-secret/rotate",
					Api.object());
			String secret = rotated.get("webhook_secret").asString();
			ObjectNode delivery = delivery(api.server(), agent, secret, TEST_BODY, Instant.now());
			if (out().format().machine()) {
				ObjectNode answer = Api.object()
					.put("agent_id", agent.get("id").asString())
					.put("webhook_secret", secret)
					.put("rotated_at", rotated.path("rotated_at").asString());
				answer.set("test_delivery", delivery);
				out().machine(answer);
				return;
			}
			if (out().format() == Output.Format.QUIET) {
				out().out().println(secret);
				return;
			}
			out().out()
				.println(out().check() + "Rotated the webhook secret of " + agent.path("slug").asString()
						+ ". It is shown once: store it now.");
			out().out().println("Secret:  " + secret);
			out().out().println();
			out().out().println("A signed test delivery (valid for 5 minutes):");
			out().out().println(delivery.get("curl").asString());
		}

	}

	@Command(name = "curl",
			description = "Print a curl that sends a signed test delivery (secret from stdin or a prompt).")
	static class Curl extends CliCommand {

		@Parameters(index = "0", paramLabel = "AGENT")
		String ref;

		@Option(names = "--secret-stdin", description = "Read the webhook secret from stdin instead of prompting.")
		boolean secretStdin;

		@Option(names = "--body", paramLabel = "JSON", description = "The delivery's body (default: a test prompt).")
		String body;

		@Override
		protected void run() {
			Api api = ctx().workspaceApi();
			JsonNode agent = Refs.agent(api, this.ref);
			String secret = new String(
					Prompts.secret("Webhook secret", this.secretStdin, ctx().in(), "--secret-stdin"));
			ObjectNode delivery = delivery(api.server(), agent, secret, (this.body != null) ? this.body : TEST_BODY,
					Instant.now());
			if (out().format().machine()) {
				out().machine(delivery);
			}
			else {
				out().out().println(delivery.get("curl").asString());
			}
		}

	}

	/** The trigger URL, the signed headers, and the curl that sends them. */
	static ObjectNode delivery(String server, JsonNode agent, String secret, String body, Instant now) {
		String crewId = agent.path("crew_id").asString(null);
		if (crewId == null || crewId.isEmpty()) {
			throw Failure.validation(
					"agent " + agent.path("slug").asString() + " belongs to no crew: its webhook trigger needs one");
		}
		String url = server + "/api/v1/webhooks/" + Api.segment(crewId) + "/" + Api.segment(agent.get("id").asString())
				+ "/trigger";
		long timestamp = now.getEpochSecond();
		String signature = hmac(secret, timestamp + "." + body);
		String curl = "curl -sS -X POST " + quote(url) + " -H 'Content-Type: application/json' -H 'X-Timestamp: "
				+ timestamp + "' -H 'X-Signature: " + signature + "' --data-raw " + quote(body);
		return Api.object()
			.put("url", url)
			.put("timestamp", timestamp)
			.put("signature", signature)
			.put("body", body)
			.put("curl", curl);
	}

	static String hmac(String secret, String message) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A single-quoted shell word. */
	static String quote(String value) {
		return "'" + value.replace("'", "'\\''") + "'";
	}

}
