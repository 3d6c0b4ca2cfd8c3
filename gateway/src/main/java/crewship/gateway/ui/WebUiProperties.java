package crewship.gateway.ui;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param dir a static export of Crewship's web UI to serve on the public port
 * ({@code CREWSHIP_UI_DIR}); blank: no UI is served, non-API paths answer 404
 */
@ConfigurationProperties("crewship.gateway.ui")
public record WebUiProperties(String dir) {

	public boolean enabled() {
		return this.dir != null && !this.dir.isBlank();
	}

}
