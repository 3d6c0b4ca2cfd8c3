package crewship.auth.flags;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** A partial update: only the fields present change. */
record FlagChanges(@Size(max = 1000) String description, Boolean enabled, @Min(0) @Max(100) Integer percentage) {

	boolean isEmpty() {
		return this.description == null && this.enabled == null && this.percentage == null;
	}

}
