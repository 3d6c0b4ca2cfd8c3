package crewship.crew.connections;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.connections.CrewConnections.Connection;
import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/** {@code /api/v1/crew-connections}: list (members), create and delete (MANAGER+). */
@RestController
class CrewConnectionController {

	private final CrewConnections connections;

	private final WorkspaceScope scopes;

	CrewConnectionController(CrewConnections connections, WorkspaceScope scopes) {
		this.connections = connections;
		this.scopes = scopes;
	}

	record Connect(String fromCrewId, String toCrewId, String direction) {
	}

	@GetMapping("/api/v1/crew-connections")
	List<Connection> list(IdentityAssertion caller, HttpServletRequest request) {
		return this.connections.list(this.scopes.require(caller, request, Action.READ));
	}

	/** 201 for a new link, 200 when the pair was already linked. */
	@PostMapping("/api/v1/crew-connections")
	ResponseEntity<Map<String, Object>> connect(@RequestBody Connect body, IdentityAssertion caller,
			HttpServletRequest request) {
		CrewConnections.Upserted link = this.connections.connect(this.scopes.require(caller, request, Action.CREATE),
				body.fromCrewId(), body.toCrewId(), body.direction());
		return ResponseEntity.status(link.created() ? HttpStatus.CREATED : HttpStatus.OK).body(Map.of("id", link.id()));
	}

	@DeleteMapping("/api/v1/crew-connections/{connectionId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void disconnect(@PathVariable String connectionId, IdentityAssertion caller, HttpServletRequest request) {
		this.connections.disconnect(this.scopes.require(caller, request, Action.CREATE), connectionId);
	}

}
