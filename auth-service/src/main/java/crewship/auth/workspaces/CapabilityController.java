package crewship.auth.workspaces;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.web.ProblemException;

/**
 * {@code /members/{userId}/capabilities} and the bulk roster view. The path segment is
 * the member's user id, as the page says.
 */
@RestController
class CapabilityController {

	/** The page caps a capability PATCH at 16 KB, well below the suite's 1 MB. */
	static final int MAX_PATCH_BYTES = 16 * 1024;

	private final MemberCapabilities capabilities;

	private final JsonMapper json;

	CapabilityController(MemberCapabilities capabilities, JsonMapper json) {
		this.capabilities = capabilities;
		this.json = json;
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/members/capabilities")
	Map<String, Object> all(@PathVariable String workspaceId, IdentityAssertion caller) {
		return Map.of("members",
				this.capabilities.all(caller, workspaceId).stream().map(CapabilityController::view).toList());
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/members/{userId}/capabilities")
	Map<String, Object> get(@PathVariable String workspaceId, @PathVariable String userId, IdentityAssertion caller) {
		return view(this.capabilities.get(caller, workspaceId, userId));
	}

	@PatchMapping(path = "/api/v1/workspaces/{workspaceId}/members/{userId}/capabilities",
			consumes = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> change(@PathVariable String workspaceId, @PathVariable String userId, @RequestBody byte[] body,
			IdentityAssertion caller) {
		if (body.length > MAX_PATCH_BYTES) {
			throw new ProblemException(HttpStatus.CONTENT_TOO_LARGE,
					"Request body exceeds " + MAX_PATCH_BYTES + " bytes");
		}
		CapabilityChange change;
		try {
			change = this.json.readValue(new String(body, StandardCharsets.UTF_8), CapabilityChange.class);
		}
		catch (JacksonException ex) {
			throw ProblemException.badRequest("Malformed JSON body");
		}
		if (change == null) {
			throw ProblemException.badRequest("Send exactly one of set, grant, revoke or preset");
		}
		return view(this.capabilities.change(caller, workspaceId, userId, change));
	}

	private static Map<String, Object> view(MemberCapabilities.Resolved resolved) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("user_id", resolved.userId());
		view.put("role", resolved.role().name());
		view.put("capabilities", List.copyOf(resolved.capabilities()));
		return view;
	}

}
