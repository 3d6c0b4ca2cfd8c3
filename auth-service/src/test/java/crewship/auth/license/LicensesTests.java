package crewship.auth.license;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * License verification: only a file signed by the configured key and not expired counts.
 */
class LicensesTests {

	static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");

	static final String CLAIMS = """
			{"license_id":"lic-1","licensee_name":"Ada","licensee_org":"Acme","edition":"team","max_crews":50,
			 "max_agents_per_crew":20,"max_members":3,"features":["sso"],"issued_at":%d,"expires_at":%d}""";

	@TempDir
	Path dir;

	static KeyPair keys() throws Exception {
		return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
	}

	/** The raw 32-byte public key, base64: what a build would embed. */
	static String rawPublicKey(KeyPair keys) {
		byte[] x509 = keys.getPublic().getEncoded();
		return Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
	}

	Path licenseFile(KeyPair signer, String payload) throws Exception {
		Signature signature = Signature.getInstance("Ed25519");
		signature.initSign(signer.getPrivate());
		signature.update(payload.getBytes(StandardCharsets.UTF_8));
		String file = "{\"payload\":"
				+ tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(payload)
				+ ",\"signature\":\"" + Base64.getEncoder().encodeToString(signature.sign()) + "\"}";
		Path path = this.dir.resolve("license-" + System.nanoTime() + ".json");
		Files.writeString(path, file);
		return path;
	}

	static License load(Path file, String key) {
		return Licenses.load(file.toString(), key, Clock.fixed(NOW, ZoneOffset.UTC));
	}

	static String claims(Instant expires) {
		return CLAIMS.formatted(NOW.minusSeconds(3600).getEpochSecond(), expires.getEpochSecond());
	}

	@Test
	void aSignedCurrentLicenseIsLoadedWithItsClaims() throws Exception {
		KeyPair keys = keys();
		License license = load(licenseFile(keys, claims(NOW.plusSeconds(86400))), rawPublicKey(keys));
		assertThat(license.licensed()).isTrue();
		assertThat(license.edition()).isEqualTo("team");
		assertThat(license.maxMembers()).isEqualTo(3);
		assertThat(license.features()).containsExactly("sso");
		assertThat(license.licenseeOrg()).isEqualTo("Acme");
		// the X.509 encoding of the key works too
		String x509 = Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
		assertThat(load(licenseFile(keys, claims(NOW.plusSeconds(86400))), x509).licensed()).isTrue();
	}

	@Test
	void anythingElseFallsBackToCommunity() throws Exception {
		KeyPair keys = keys();
		KeyPair other = keys();
		Path good = licenseFile(keys, claims(NOW.plusSeconds(86400)));
		assertThat(load(good, rawPublicKey(other)).licensed()).as("wrong key").isFalse();
		assertThat(load(good, "").licensed()).as("no key").isFalse();
		assertThat(load(licenseFile(keys, claims(NOW.minusSeconds(1))), rawPublicKey(keys)).licensed()).as("expired")
			.isFalse();
		Path tampered = this.dir.resolve("tampered.json");
		Files.writeString(tampered, Files.readString(good).replace("\\\"max_members\\\":3", "\\\"max_members\\\":300"));
		assertThat(Files.readString(tampered)).contains("300");
		assertThat(load(tampered, rawPublicKey(keys)).licensed()).as("tampered").isFalse();
		assertThat(load(this.dir.resolve("missing.json"), rawPublicKey(keys)).licensed()).as("missing file").isFalse();
		License community = Licenses.load("", "", Clock.systemUTC());
		assertThat(community.edition()).isEqualTo("community");
		assertThat(community.maxMembers()).isEqualTo(5);
	}

}
