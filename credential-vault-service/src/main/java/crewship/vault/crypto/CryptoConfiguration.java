package crewship.vault.crypto;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import crewship.vault.VaultProperties;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VaultProperties.class)
class CryptoConfiguration {

	@Bean
	EnvelopeCipher envelopeCipher(VaultProperties properties) {
		return new EnvelopeCipher(MasterKeyLoader.load(properties));
	}

}
