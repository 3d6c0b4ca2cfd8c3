package crewship.platform.membership;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Which workspace a request names for endpoints whose path does not: the
 * {@code workspace_id} query parameter, else the {@code X-Workspace-ID} header (the pages
 * let the query win). Resolving it to a workspace and authorising the caller stay with
 * the service.
 */
public final class RequestedWorkspace {

	public static final String HEADER = "X-Workspace-ID";

	public static final String PARAMETER = "workspace_id";

	private RequestedWorkspace() {
	}

	public static Optional<String> of(HttpServletRequest request) {
		String reference = request.getParameter(PARAMETER);
		if (reference == null || reference.isBlank()) {
			reference = request.getHeader(HEADER);
		}
		return (reference == null || reference.isBlank()) ? Optional.empty() : Optional.of(reference.trim());
	}

}
