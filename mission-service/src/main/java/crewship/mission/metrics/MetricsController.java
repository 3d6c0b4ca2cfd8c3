package crewship.mission.metrics;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import crewship.mission.journal.Scopes;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.WorkspaceRole.Action;

/** {@code GET /api/v1/metrics/timeseries} (admin.mdx): any member of the workspace. */
@RestController
class MetricsController {

	private final Scopes scopes;

	private final Timeseries timeseries;

	MetricsController(Scopes scopes, Timeseries timeseries) {
		this.scopes = scopes;
		this.timeseries = timeseries;
	}

	@GetMapping("/api/v1/metrics/timeseries")
	Map<String, Object> timeseries(IdentityAssertion caller, HttpServletRequest request,
			@RequestParam(required = false) String metric, @RequestParam(required = false) String window,
			@RequestParam(required = false) String bucket,
			@RequestParam(name = "group_by", required = false) String groupBy) {
		return this.timeseries.series(this.scopes.require(caller, request, Action.READ), metric, window, bucket,
				groupBy);
	}

}
