package crewship.webhook.deliveries;

/** The broker did not acknowledge a delivery in time: it must not be answered 202. */
public class DeliveryUnavailableException extends RuntimeException {

	DeliveryUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
