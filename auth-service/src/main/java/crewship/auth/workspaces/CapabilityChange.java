package crewship.auth.workspaces;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import crewship.platform.web.ProblemException;

/**
 * The body of a capability PATCH: exactly one of {@code set}, {@code grant},
 * {@code revoke} or {@code preset}.
 */
record CapabilityChange(List<String> set, List<String> grant, List<String> revoke, String preset) {

	/** Whether the body names the capability in its set, grant or revoke list. */
	boolean names(String capability) {
		return (this.set != null && this.set.contains(capability))
				|| (this.grant != null && this.grant.contains(capability))
				|| (this.revoke != null && this.revoke.contains(capability));
	}

	/** The member's new set, from their current one. @throws ProblemException 400 */
	SortedSet<String> applyTo(SortedSet<String> current) {
		List<String> shapes = new ArrayList<>();
		if (this.set != null) {
			shapes.add("set");
		}
		if (this.grant != null) {
			shapes.add("grant");
		}
		if (this.revoke != null) {
			shapes.add("revoke");
		}
		if (this.preset != null) {
			shapes.add("preset");
		}
		if (shapes.size() != 1) {
			throw ProblemException
				.badRequest("Send exactly one of set, grant, revoke or preset (got " + shapes.size() + ")");
		}
		SortedSet<String> next = new TreeSet<>(current);
		if (this.preset != null) {
			if (!Capabilities.PRESETS.containsKey(this.preset)) {
				throw ProblemException.badRequest("Unknown preset '" + this.preset + "'; known: chat, power, admin");
			}
			next = new TreeSet<>(Capabilities.PRESETS.get(this.preset));
			// a preset is a bundle of the eight; the per-person reveal grant is not its
			// to give or take
			if (current.contains(Capabilities.CREDENTIALS_REVEAL)) {
				next.add(Capabilities.CREDENTIALS_REVEAL);
			}
		}
		else {
			List<String> list = (this.set != null) ? this.set : (this.grant != null) ? this.grant : this.revoke;
			if (list.isEmpty()) {
				throw ProblemException
					.badRequest(shapes.get(0) + " must not be empty; to reset send {\"set\":[\"chat\"]}");
			}
			Capabilities.requireKnown(list);
			if (this.set != null) {
				next = new TreeSet<>(list);
			}
			else if (this.grant != null) {
				next.addAll(list);
			}
			else {
				if (list.contains(Capabilities.CHAT)) {
					throw ProblemException.badRequest("chat cannot be revoked; remove the member instead");
				}
				next.removeAll(list);
			}
		}
		next.add(Capabilities.CHAT);
		return next;
	}

}
