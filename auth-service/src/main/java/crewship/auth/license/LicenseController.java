package crewship.auth.license;

import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;

/** {@code GET /api/v1/system/license}: the edition and limits, to any signed-in user. */
@RestController
class LicenseController {

	private final Licenses licenses;

	LicenseController(Licenses licenses) {
		this.licenses = licenses;
	}

	record LicenseView(String edition, String licenseId, String licenseeOrg, int maxCrews, int maxAgentsPerCrew,
			int maxMembers, List<String> features, Instant expiresAt, boolean enforced) {
	}

	@GetMapping("/api/v1/system/license")
	LicenseView license(IdentityAssertion caller) {
		caller.requireUser();
		License license = this.licenses.current();
		return new LicenseView(license.edition(), license.licenseId(), license.licenseeOrg(), license.maxCrews(),
				license.maxAgentsPerCrew(), license.maxMembers(), license.features(), license.expiresAt(),
				license.licensed());
	}

}
