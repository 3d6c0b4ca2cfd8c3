package crewship.auth.idp;

import org.springframework.http.HttpStatus;

import crewship.platform.web.ProblemException;

/**
 * The identity provider already has an account for the address, and the password given is
 * not its password: we neither overwrite it nor adopt it. A 409 where the caller may say
 * so (bootstrap, an admin provisioning a member); open signup catches it to keep its one
 * answer for every address.
 */
public class AccountTakenException extends ProblemException {

	AccountTakenException() {
		super(HttpStatus.CONFLICT, "An account with that email already exists in the identity provider");
	}

}
