package crewship.crew.oauth;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

import crewship.crew.workspace.WorkspaceScope;
import crewship.crew.workspace.WorkspaceScope.Scope;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * {@code /api/v1/oauth/*}: the provider catalog and discovery for any signed-in user;
 * initiate, loopback and exchange for MANAGER+ or a member holding
 * {@code credential.create}; auto-connect for OWNER/ADMIN; the callback for anyone
 * holding a valid state (the provider's redirect carries no identity).
 */
@RestController
class OAuthController {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final OAuthFlows flows;

	private final OAuthDiscovery discovery;

	private final AutoConnect autoConnect;

	private final WorkspaceAccess access;

	private final WorkspaceScope scopes;

	OAuthController(OAuthFlows flows, OAuthDiscovery discovery, AutoConnect autoConnect, WorkspaceAccess access,
			WorkspaceScope scopes) {
		this.flows = flows;
		this.discovery = discovery;
		this.autoConnect = autoConnect;
		this.access = access;
		this.scopes = scopes;
	}

	record Initiate(@NotBlank @Size(max = 64) String credentialId, @Size(max = 2048) String redirectUri) {
	}

	record Loopback(@NotBlank @Size(max = 64) String credentialId) {
	}

	record Exchange(@NotBlank @Size(max = 64) String credentialId, @NotBlank @Size(max = 4096) String code,
			@Size(max = 2048) String redirectUri, @Size(min = 43, max = 128) String codeVerifier,
			@Size(max = 512) String state) {

		@Override
		public String toString() {
			return "Exchange[" + this.credentialId + "]";
		}

	}

	record Discover(@NotBlank @Size(max = 2048) String mcpUrl) {
	}

	record AutoConnectRequest(@NotBlank @Size(max = 2048) String mcpUrl, @Size(max = 100) String serverName,
			@Size(max = 50) String providerHint) {
	}

	@GetMapping("/api/v1/oauth/providers")
	Map<String, Object> providers(IdentityAssertion caller) {
		caller.requireUser();
		Map<String, Object> providers = new LinkedHashMap<>();
		OAuthProviders.all()
			.forEach((name, provider) -> providers.put(name, Map.of("auth_url", provider.authUrl(), "token_url",
					provider.tokenUrl(), "default_scopes", provider.defaultScopes())));
		return providers;
	}

	@PostMapping("/api/v1/oauth/initiate")
	Map<String, Object> initiate(@Valid @RequestBody Initiate body, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope scope = credentialCreator(caller, request);
		OAuthFlows.Started started = this.flows.initiate(scope.workspaceId(), scope.userId(), body.credentialId(),
				body.redirectUri(), "initiate");
		return Map.of("auth_url", started.authUrl(), "state", started.state());
	}

	/**
	 * For a CLI that listens on a loopback port: the redirect is
	 * {@code http://127.0.0.1:<port>/callback}, and the CLI posts the code it receives to
	 * the exchange with the state.
	 */
	@PostMapping("/api/v1/oauth/loopback")
	Map<String, Object> loopback(@Valid @RequestBody Loopback body, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope scope = credentialCreator(caller, request);
		int port = 49152 + RANDOM.nextInt(65535 - 49152);
		OAuthFlows.Started started = this.flows.initiate(scope.workspaceId(), scope.userId(), body.credentialId(),
				"http://127.0.0.1:" + port + "/callback", "loopback");
		return Map.of("auth_url", started.authUrl(), "loopback_port", port, "state", started.state());
	}

	@PostMapping("/api/v1/oauth/exchange")
	ResponseEntity<Map<String, Object>> exchange(@Valid @RequestBody Exchange body, IdentityAssertion caller,
			HttpServletRequest request) {
		Scope scope = credentialCreator(caller, request);
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(this.flows.exchange(scope.workspaceId(), scope.userId(), body.credentialId(), body.code(),
					body.redirectUri(), body.codeVerifier(), body.state()));
	}

	/** The provider's redirect: an HTML page that tells the opener and closes itself. */
	@GetMapping("/api/v1/oauth/callback")
	ResponseEntity<String> callback(@RequestParam(name = "code", required = false) String code,
			@RequestParam(name = "state", required = false) String state,
			@RequestParam(name = "error", required = false) String error) {
		String credentialId = this.flows.callback(code, state, error);
		String html = """
				<!doctype html>
				<html><head><meta charset="utf-8"><title>Crewship — connected</title></head>
				<body><p>Connected. You can close this window.</p>
				<script>
				if (window.opener) { window.opener.postMessage({type: "crewship-oauth", status: "ok", credential_id: "%s"}, "*"); }
				window.close();
				</script></body></html>
				"""
			.formatted(HtmlUtils.htmlEscape(credentialId));
		return ResponseEntity.ok()
			.contentType(MediaType.TEXT_HTML)
			.cacheControl(CacheControl.noStore())
			.header("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'")
			.body(html);
	}

	@PostMapping("/api/v1/oauth/discover")
	Map<String, Object> discover(@Valid @RequestBody Discover body, IdentityAssertion caller) {
		caller.requireUser();
		return this.discovery.discover(body.mcpUrl(), null).view();
	}

	@PostMapping("/api/v1/oauth/auto-connect")
	Map<String, Object> autoConnect(@Valid @RequestBody AutoConnectRequest body, IdentityAssertion caller,
			HttpServletRequest request) {
		return this.autoConnect.connect(this.scopes.require(caller, request, Action.MANAGE), body.mcpUrl(),
				body.serverName(), body.providerHint());
	}

	/** MANAGER+, or a member holding {@code credential.create}. */
	private Scope credentialCreator(IdentityAssertion caller, HttpServletRequest request) {
		String userId = caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + WorkspaceScope.HEADER + " header"));
		return new Scope(workspaceId, userId,
				this.access.requireMembership(caller, workspaceId, Action.CREATE, MemberCapability.CREDENTIAL_CREATE)
					.role());
	}

}
