package crewship.auth.privacy;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.auth.privacy.PeerMemory.Fact;
import crewship.auth.workspaces.WorkspaceMemberRepository;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;
import crewship.platform.web.ProblemException;

/**
 * Where agents write peer memory (internal listener only): a card about a person, its
 * deletion, and facts a person stated for their operator model. Consent is enforced here,
 * where the writes happen: for a person who opted out the answer is 409 and nothing is
 * stored. Only members of the workspace can be written about.
 */
@RestController
class InternalPrivacyController {

	private final PeerMemory memory;

	private final WorkspaceMemberRepository members;

	InternalPrivacyController(PeerMemory memory, WorkspaceMemberRepository members) {
		this.memory = memory;
		this.members = members;
	}

	record WriteCard(@NotBlank String workspaceId, @NotBlank String agentId,
			@NotBlank @Size(max = 100) String agentSlug, @NotBlank String userId, @Size(max = 100) String userSlug,
			@NotNull String content) {
	}

	record StatedFact(@NotBlank @Size(max = 100) String key, @NotNull @Size(max = 1000) String value) {
	}

	record RecordFacts(@NotBlank String workspaceId, @NotBlank String userId,
			@NotEmpty @Size(max = 50) List<@Valid StatedFact> facts) {
	}

	@PutMapping("/api/v1/internal/peer-cards")
	ResponseEntity<Map<String, Object>> write(@Valid @RequestBody WriteCard body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		requireMember(body.workspaceId(), body.userId());
		Map<String, Object> written = this.memory.writeCard(body.workspaceId(), body.agentId(), body.agentSlug(),
				body.userId(), body.userSlug(), body.content());
		return ResponseEntity.status(Boolean.TRUE.equals(written.get("created")) ? HttpStatus.CREATED : HttpStatus.OK)
			.body(written);
	}

	@DeleteMapping("/api/v1/internal/peer-cards/{agentId}/{userId}")
	ResponseEntity<Void> delete(@PathVariable String agentId, @PathVariable String userId,
			@RequestParam(name = "workspace_id") String workspaceId,
			@RequestParam(name = "actor", required = false) String actor, IdentityAssertion caller) {
		InternalCallers.require(caller);
		this.memory.deleteCard(workspaceId, agentId, userId, actor);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/api/v1/internal/user-models/facts")
	Map<String, Object> recordFacts(@Valid @RequestBody RecordFacts body, IdentityAssertion caller) {
		InternalCallers.require(caller);
		requireMember(body.workspaceId(), body.userId());
		for (StatedFact fact : body.facts()) {
			if (fact.key().contains(":") || fact.key().contains("\n") || fact.value().contains("\n")) {
				throw ProblemException
					.badRequest("A fact is one line: its key holds no ':' and neither holds a newline");
			}
		}
		List<Fact> facts = this.memory.recordFacts(body.workspaceId(), body.userId(),
				body.facts().stream().map(fact -> new Fact(fact.key().trim(), fact.value().trim())).toList());
		return Map.of("user_id", body.userId(), "facts", facts);
	}

	private void requireMember(String workspaceId, String userId) {
		if (this.members.findByWorkspaceIdAndUserId(workspaceId, userId).isEmpty()) {
			throw ProblemException.notFound("No such member in this workspace");
		}
	}

}
