package crewship.auth.preferences;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/me/preferences}: the caller's own key/value map; the user is always the
 * caller's identity, never a parameter. The PUT body is the raw JSON value, read as text
 * so that it is stored as sent.
 */
@RestController
class PreferenceController {

	private final Preferences preferences;

	PreferenceController(Preferences preferences) {
		this.preferences = preferences;
	}

	@GetMapping("/api/v1/me/preferences")
	Map<String, JsonNode> list(IdentityAssertion caller) {
		return this.preferences.all(caller.requireUser());
	}

	@PutMapping("/api/v1/me/preferences/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void put(@PathVariable String key, @RequestBody(required = false) byte[] body, IdentityAssertion caller) {
		this.preferences.put(caller.requireUser(), key, body);
	}

	@DeleteMapping("/api/v1/me/preferences/{key}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(@PathVariable String key, IdentityAssertion caller) {
		this.preferences.delete(caller.requireUser(), key);
	}

}
