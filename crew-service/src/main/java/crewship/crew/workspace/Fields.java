package crewship.crew.workspace;

/** How a partial update treats an optional text field. */
public final class Fields {

	private Fields() {
	}

	/** null keeps the current value; an empty string clears it. */
	public static String text(String value, String current) {
		if (value == null) {
			return current;
		}
		return value.isEmpty() ? null : value;
	}

}
