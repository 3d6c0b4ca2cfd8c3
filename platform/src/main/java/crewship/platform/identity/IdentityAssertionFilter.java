package crewship.platform.identity;

import java.io.IOException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import crewship.platform.web.ProblemResponses;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses (401) every request that does not carry a valid gateway-signed identity
 * assertion, probes aside, so a service port reached directly grants nothing.
 */
public class IdentityAssertionFilter extends OncePerRequestFilter {

	static final String ATTRIBUTE = IdentityAssertion.class.getName();

	private static final Logger log = LoggerFactory.getLogger(IdentityAssertionFilter.class);

	private final IdentityAssertionVerifier verifier;

	private final ProblemResponses problems;

	private final OpenPaths openPaths;

	public IdentityAssertionFilter(IdentityAssertionVerifier verifier, ProblemResponses problems, OpenPaths openPaths) {
		this.verifier = verifier;
		this.problems = problems;
		this.openPaths = openPaths;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return this.openPaths.contains(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String token = request.getHeader(IdentityAssertion.HEADER);
		if (token == null || token.isBlank()) {
			this.problems.write(request, response, HttpStatus.UNAUTHORIZED, "Requests must come through the gateway");
			return;
		}
		IdentityAssertion identity;
		try {
			identity = this.verifier.verify(token);
		}
		catch (IdentityAssertionVerifier.InvalidIdentityException ex) {
			log.debug("Refused identity assertion on {}: {}", request.getRequestURI(), ex.getMessage());
			this.problems.write(request, response, HttpStatus.UNAUTHORIZED, "Invalid identity assertion");
			return;
		}
		catch (IdentityAssertionVerifier.KeysUnavailableException ex) {
			log.warn("Could not fetch the gateway's keys to verify a request on {}: {}", request.getRequestURI(),
					ex.getMessage());
			response.setHeader(HttpHeaders.RETRY_AFTER, "1");
			this.problems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE,
					"The service cannot verify requests right now; retry shortly");
			return;
		}
		request.setAttribute(ATTRIBUTE, identity);
		chain.doFilter(request, response);
	}

}
