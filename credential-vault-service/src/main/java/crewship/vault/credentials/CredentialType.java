package crewship.vault.credentials;

import java.util.Arrays;

import crewship.platform.web.ProblemException;

/** The closed type enum of the credentials page, checked on create and update. */
enum CredentialType {

	AI_CLI_TOKEN, API_KEY, CLI_TOKEN, SECRET, OAUTH2, USERPASS, SSH_KEY, CERTIFICATE, GENERIC_SECRET, ENDPOINT_URL;

	static CredentialType parse(String value) {
		return Arrays.stream(values())
			.filter(type -> type.name().equals(value))
			.findFirst()
			.orElseThrow(() -> ProblemException
				.badRequest("Unknown credential type '" + value + "'; known: " + Arrays.toString(values())));
	}

	/** The shape checks of the page; the message names the rule, never the value. */
	void validate(String value) {
		if (value == null) {
			return;
		}
		if (this == SSH_KEY && !value.strip().matches("(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*")) {
			throw ProblemException.badRequest("An SSH_KEY value must begin with -----BEGIN ... PRIVATE KEY-----");
		}
		if (this == CERTIFICATE && !value.strip().startsWith("-----BEGIN CERTIFICATE-----")) {
			throw ProblemException.badRequest("A CERTIFICATE value must begin with -----BEGIN CERTIFICATE-----");
		}
		if (this == ENDPOINT_URL && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 2048) {
			throw ProblemException.badRequest("An ENDPOINT_URL value is at most 2048 bytes");
		}
	}

}
