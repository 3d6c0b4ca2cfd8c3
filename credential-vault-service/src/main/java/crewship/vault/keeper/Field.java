package crewship.vault.keeper;

/**
 * One effective setting as the admin pages show it: the value, where it comes from
 * ({@code default}, {@code env}, {@code profile}, {@code keeper_config} or
 * {@code instance} — a workspace override) and whether a {@code PUT} may change it.
 */
public record Field<T>(T value, String source, boolean editable) {

	static <T> Field<T> of(T override, T boot, T fallback, String fallbackSource) {
		if (override != null) {
			return new Field<>(override, "instance", true);
		}
		if (boot != null) {
			return new Field<>(boot, "env", true);
		}
		return new Field<>(fallback, fallbackSource, true);
	}

}
