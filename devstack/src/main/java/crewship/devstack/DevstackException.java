package crewship.devstack;

/** A reason the suite cannot start, worded for the person who ran the command. */
public class DevstackException extends RuntimeException {

	public DevstackException(String message) {
		super(message);
	}

	public DevstackException(String message, Throwable cause) {
		super(message, cause);
	}

}
