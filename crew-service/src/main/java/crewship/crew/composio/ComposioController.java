package crewship.crew.composio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.crew.workspace.WorkspaceScope;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;
import tools.jackson.databind.JsonNode;

/**
 * The 18 {@code /api/v1/integrations/composio/**} operations: reads for any member,
 * everything that changes Composio or the workspace's Composio state for OWNER/ADMIN.
 */
@RestController
class ComposioController {

	private static final String BASE = "/api/v1/integrations/composio";

	private final Composio composio;

	private final WorkspaceScope scopes;

	ComposioController(Composio composio, WorkspaceScope scopes) {
		this.composio = composio;
		this.scopes = scopes;
	}

	record Trigger(@Size(max = 200) String slug, @Size(max = 200) String userId, JsonNode config) {
	}

	record Connect(@Size(max = 200) String toolkit, @Size(max = 200) String userId) {
	}

	record KeyRequest(@Size(max = 512) String apiKey, @Size(max = 200) String label) {

		@Override
		public String toString() {
			return "KeyRequest[" + this.label + "]";
		}

	}

	record DefaultRequest(@Size(max = 200) String userId) {
	}

	record AppScope(@Size(max = 200) String toolkit, @Size(max = 16) String mode, @Size(max = 500) List<String> tools) {
	}

	record Bind(@Size(max = 200) String userId, @Size(max = 100) List<@Valid AppScope> apps,
			@Size(max = 100) List<String> toolkits) {
	}

	@GetMapping(BASE + "/inventory")
	Map<String, Object> inventory(IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.inventory(read(caller, request));
	}

	@GetMapping(BASE + "/toolkits")
	Map<String, Object> toolkits(@RequestParam(name = "search", required = false) String search,
			@RequestParam(name = "category", required = false) String category,
			@RequestParam(name = "limit", required = false) Integer limit, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.toolkits(read(caller, request), search, category, limit);
	}

	@GetMapping(BASE + "/tools")
	Map<String, Object> tools(@RequestParam(name = "toolkit", required = false) String toolkit,
			@RequestParam(name = "search", required = false) String search,
			@RequestParam(name = "limit", required = false) Integer limit, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.tools(read(caller, request), toolkit, search, limit);
	}

	@GetMapping(BASE + "/triggers")
	Map<String, Object> triggers(@RequestParam(name = "toolkit", required = false) String toolkit,
			@RequestParam(name = "search", required = false) String search,
			@RequestParam(name = "limit", required = false) Integer limit, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.triggers(read(caller, request), toolkit, search, limit);
	}

	@GetMapping(BASE + "/triggers/active")
	Map<String, Object> activeTriggers(IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.activeTriggers(read(caller, request));
	}

	@PostMapping(BASE + "/triggers")
	Map<String, Object> createTrigger(@Valid @RequestBody Trigger body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.createTrigger(manage(caller, request), body.slug(), body.userId(), body.config());
	}

	@PostMapping(BASE + "/connect")
	Map<String, Object> connect(@Valid @RequestBody Connect body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.connect(manage(caller, request), body.toolkit(), body.userId());
	}

	@GetMapping(BASE + "/settings")
	Map<String, Object> settings(IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.settingsView(read(caller, request));
	}

	@PutMapping(BASE + "/settings")
	ResponseEntity<Map<String, Object>> putSettings(@Valid @RequestBody KeyRequest body, IdentityAssertion caller,
			HttpServletRequest request) {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.composio.putKey(manage(caller, request), body.apiKey(), body.label()));
	}

	@DeleteMapping(BASE + "/settings")
	Map<String, Object> deleteSettings(IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.deleteKey(manage(caller, request));
	}

	@GetMapping(BASE + "/default")
	Map<String, Object> defaultConnector(IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.defaultView(read(caller, request));
	}

	@PutMapping(BASE + "/default")
	Map<String, Object> putDefault(@Valid @RequestBody(required = false) DefaultRequest body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.putDefault(manage(caller, request), (body != null) ? body.userId() : null);
	}

	@GetMapping(BASE + "/agents/{agentId}/bind")
	Map<String, Object> bindings(@PathVariable String agentId, IdentityAssertion caller, HttpServletRequest request) {
		return this.composio.bindings(read(caller, request), agentId);
	}

	@PostMapping(BASE + "/agents/{agentId}/bind")
	Map<String, Object> bind(@PathVariable String agentId, @Valid @RequestBody Bind body, IdentityAssertion caller,
			HttpServletRequest request) {
		List<Composio.App> apps = new ArrayList<>();
		if (body.apps() != null) {
			body.apps().forEach(app -> apps.add(new Composio.App(app.toolkit(), app.mode(), app.tools())));
		}
		else if (body.toolkits() != null) {
			body.toolkits().forEach(toolkit -> apps.add(new Composio.App(toolkit, "full", List.of())));
		}
		return this.composio.bind(manage(caller, request), agentId, body.userId(), apps);
	}

	@DeleteMapping(BASE + "/agents/{agentId}/bind")
	Map<String, Object> unbind(@PathVariable String agentId,
			@RequestParam(name = "toolkit", required = false) String toolkit, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.composio.unbind(manage(caller, request), agentId, toolkit);
	}

	@PostMapping(BASE + "/accounts/{accountId}/revoke")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revoke(@PathVariable String accountId, IdentityAssertion caller, HttpServletRequest request) {
		this.composio.account(manage(caller, request), accountId, "revoke");
	}

	@PostMapping(BASE + "/accounts/{accountId}/refresh")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void refresh(@PathVariable String accountId, IdentityAssertion caller, HttpServletRequest request) {
		this.composio.account(manage(caller, request), accountId, "refresh");
	}

	@DeleteMapping(BASE + "/accounts/{accountId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void deleteAccount(@PathVariable String accountId, IdentityAssertion caller, HttpServletRequest request) {
		this.composio.account(manage(caller, request), accountId, "delete");
	}

	private Scope read(IdentityAssertion caller, HttpServletRequest request) {
		return this.scopes.require(caller, request, Action.READ);
	}

	private Scope manage(IdentityAssertion caller, HttpServletRequest request) {
		return this.scopes.require(caller, request, Action.MANAGE);
	}

}
