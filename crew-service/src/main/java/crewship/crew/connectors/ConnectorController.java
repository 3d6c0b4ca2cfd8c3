package crewship.crew.connectors;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/connectors}: the catalog for any signed-in user; verify and install for
 * MANAGER+ of the workspace named by {@code workspace_id}.
 */
@RestController
class ConnectorController {

	private final ConnectorCatalog catalog;

	private final Connectors connectors;

	private final WorkspaceScope scopes;

	ConnectorController(ConnectorCatalog catalog, Connectors connectors, WorkspaceScope scopes) {
		this.catalog = catalog;
		this.connectors = connectors;
		this.scopes = scopes;
	}

	record Verify(@NotNull @Size(max = 50) Map<String, String> fields) {

		@Override
		public String toString() {
			return "Verify[" + this.fields.keySet() + "]"; // the values are credentials
		}

	}

	record Install(@Size(max = 64) String crewId, @Size(max = 200) String name,
			@Size(max = 50) Map<String, String> fields) {

		@Override
		public String toString() {
			return "Install[" + this.crewId + ", " + this.name + "]";
		}

	}

	@GetMapping("/api/v1/connectors")
	List<Map<String, Object>> list(IdentityAssertion caller) {
		caller.requireUser();
		return this.catalog.list();
	}

	@GetMapping("/api/v1/connectors/{connectorId}")
	JsonNode get(@PathVariable String connectorId, IdentityAssertion caller) {
		caller.requireUser();
		return this.connectors.manifest(connectorId).raw();
	}

	@PostMapping("/api/v1/connectors/{connectorId}/verify")
	ResponseEntity<Map<String, Object>> verify(@PathVariable String connectorId, @Valid @RequestBody Verify body,
			IdentityAssertion caller, HttpServletRequest request) {
		this.scopes.require(caller, request, Action.CREATE);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.connectors.verify(connectorId, body.fields()));
	}

	@PostMapping("/api/v1/connectors/{connectorId}/install")
	ResponseEntity<Map<String, Object>> install(@PathVariable String connectorId, @Valid @RequestBody Install body,
			IdentityAssertion caller, HttpServletRequest request) {
		return ResponseEntity.status(HttpStatus.CREATED)
			.cacheControl(CacheControl.noStore())
			.body(this.connectors.install(this.scopes.require(caller, request, Action.CREATE), connectorId,
					body.crewId(), body.name(), body.fields()));
	}

}
