package crewship.mission.auxiliary;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.internal.InternalCallers;

/**
 * {@code GET /api/v1/internal/aux-status}, for the gateway's
 * {@code GET /api/v1/system/aux-status}; any other caller gets the 404 of a path that
 * does not exist.
 */
@RestController
class AuxStatusController {

	private final AuxStatus status;

	AuxStatusController(AuxStatus status) {
		this.status = status;
	}

	@GetMapping("/api/v1/internal/aux-status")
	AuxStatus.Report auxStatus(IdentityAssertion caller) {
		InternalCallers.require(caller);
		return this.status.report();
	}

}
