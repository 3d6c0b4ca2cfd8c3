package crewship.platform.testing.app;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.ids.Cuid;
import crewship.platform.ids.Slug;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.PageParams;

/** Endpoints that exercise each platform rule the way a real service would use it. */
@RestController
class WidgetController {

	private final JdbcTemplate jdbc;

	private final WorkspaceAccess access;

	WidgetController(JdbcTemplate jdbc, WorkspaceAccess access) {
		this.jdbc = jdbc;
		this.access = access;
	}

	record CreateWidget(@NotBlank @Size(min = 2, max = 100) String name, @Slug @NotBlank String slug) {
	}

	@PostMapping("/api/v1/workspaces/{workspaceId}/widgets")
	@ResponseStatus(HttpStatus.CREATED)
	@Transactional
	Map<String, String> create(@PathVariable String workspaceId, @Valid @RequestBody CreateWidget request,
			IdentityAssertion caller) {
		this.access.require(caller, workspaceId, Action.CREATE);
		String id = Cuid.next();
		this.jdbc.update("insert into widget (id, workspace_id, slug) values (?, ?, ?)", id, workspaceId,
				request.slug());
		return Map.of("id", id, "slug", request.slug());
	}

	@GetMapping("/api/v1/workspaces/{workspaceId}/widgets")
	List<String> list(@PathVariable String workspaceId, @PageParams.Defaults(limit = 50) PageParams page,
			IdentityAssertion caller) {
		this.access.require(caller, workspaceId, Action.READ);
		return List.of("limit=" + page.limit(), "offset=" + page.offset());
	}

	record WhoAmI(String method, boolean authenticated, String credentialId) {
	}

	@GetMapping("/api/v1/whoami")
	WhoAmI whoami(IdentityAssertion caller) {
		return new WhoAmI(caller.method().claim(), caller.isAuthenticated(), caller.credentialId());
	}

	@GetMapping("/api/v1/boom/{what}")
	String boom(@PathVariable String what) {
		throw new IllegalStateException("select secret from credentials where id = '" + what + "'");
	}

}
