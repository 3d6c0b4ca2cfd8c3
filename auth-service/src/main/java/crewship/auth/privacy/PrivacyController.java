package crewship.auth.privacy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.privacy.PeerMemory.Card;
import crewship.auth.privacy.PeerMemory.Fact;
import crewship.auth.privacy.PeerMemory.Model;
import crewship.auth.workspaces.WorkspaceContext;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * The seven privacy operations of privacy.mdx. Each acts on the caller's own data in the
 * workspace of the request (the user is never a parameter); any member may use them.
 */
@RestController
class PrivacyController {

	private final PeerMemory memory;

	private final WorkspaceContext context;

	PrivacyController(PeerMemory memory, WorkspaceContext context) {
		this.memory = memory;
		this.context = context;
	}

	record Cards(String userId, List<Card> peers) {
	}

	record ConsentView(String userId, String workspaceId, boolean optedOut, String optedOutAt) {
	}

	record ConsentChange(Boolean optedOut) {
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ModelView(String userId, String workspaceId, boolean exists, String userSlug, Integer bytes,
			Instant createdAt, Instant updatedAt, String content, List<Fact> facts) {
	}

	@GetMapping("/api/v1/users/me/peer-cards")
	Cards cards(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = workspace(caller, request);
		return new Cards(caller.subject(), this.memory.cards(workspaceId, caller.subject()));
	}

	@DeleteMapping("/api/v1/users/me/peer-cards")
	Map<String, Object> purgeCards(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = workspace(caller, request);
		return Map.of("user_id", caller.subject(), "purged",
				this.memory.purgeCards(workspaceId, caller.subject(), "purge"));
	}

	@GetMapping("/api/v1/users/me/peer-consent")
	ConsentView consent(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = workspace(caller, request);
		PeerMemory.Consent consent = this.memory.consent(workspaceId, caller.subject());
		return new ConsentView(caller.subject(), workspaceId, consent.optedOut(),
				(consent.optedOut() && consent.optedOutAt() != null) ? consent.optedOutAt().toString() : "");
	}

	@PutMapping("/api/v1/users/me/peer-consent")
	Map<String, Object> setConsent(@RequestBody ConsentChange body, IdentityAssertion caller,
			HttpServletRequest request) {
		if (body.optedOut() == null) {
			throw ProblemException.badRequest("opted_out is required");
		}
		String workspaceId = workspace(caller, request);
		PeerMemory.Purged purged = this.memory.setConsent(workspaceId, caller.subject(), body.optedOut());
		PeerMemory.Consent consent = this.memory.consent(workspaceId, caller.subject());
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("user_id", caller.subject());
		answer.put("workspace_id", workspaceId);
		answer.put("opted_out", consent.optedOut());
		answer.put("opted_out_at", (consent.optedOutAt() != null) ? consent.optedOutAt().toString() : "");
		answer.put("purged", purged.cards());
		answer.put("purged_models", purged.models());
		return answer;
	}

	@GetMapping("/api/v1/users/me/user-model")
	ModelView model(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = workspace(caller, request);
		String userSlug = PeerMemory.slug(workspaceId, caller.subject());
		Optional<Model> model = this.memory.model(workspaceId, caller.subject());
		if (model.isEmpty()) {
			return new ModelView(caller.subject(), workspaceId, false, userSlug, null, null, null, null, List.of());
		}
		Model found = model.get();
		return new ModelView(caller.subject(), workspaceId, true, found.userSlug(), found.bytes(), found.createdAt(),
				found.updatedAt(), found.content(), found.facts());
	}

	@DeleteMapping("/api/v1/users/me/user-model/facts/{key}")
	Map<String, Object> forget(@PathVariable String key, IdentityAssertion caller, HttpServletRequest request) {
		if (key == null || key.isBlank()) {
			throw ProblemException.badRequest("A field key is required");
		}
		String workspaceId = workspace(caller, request);
		Optional<List<Fact>> remaining = this.memory.forget(workspaceId, caller.subject(), key);
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("user_id", caller.subject());
		answer.put("forgot", key.trim());
		answer.put("exists", remaining.isPresent());
		answer.put("remaining", remaining.orElse(List.of()));
		return answer;
	}

	@DeleteMapping("/api/v1/users/me/user-model")
	Map<String, Object> purgeModel(IdentityAssertion caller, HttpServletRequest request) {
		String workspaceId = workspace(caller, request);
		return Map.of("user_id", caller.subject(), "purged",
				this.memory.purgeModel(workspaceId, caller.subject(), "purge"));
	}

	/** The workspace of the request, of which the caller must be a member. */
	private String workspace(IdentityAssertion caller, HttpServletRequest request) {
		return this.context.authorise(caller, request, Action.READ).workspaceId();
	}

}
