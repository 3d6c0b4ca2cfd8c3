package crewship.mission.runs;

/** What made a run: one run model for every way an agent is asked to work. */
public enum Trigger {

	WEBHOOK, MISSION, CHAT, ISSUE, MANUAL, PIPELINE;

	/**
	 * The wire form ({@code webhook}, {@code mission}, …) used by the runs API and
	 * events.
	 */
	public String wire() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
