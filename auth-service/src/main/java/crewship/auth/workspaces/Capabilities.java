package crewship.auth.workspaces;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import crewship.platform.membership.MemberCapability;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.web.ProblemException;

/**
 * The closed set of member capabilities, their presets and the role fallback, as the
 * workspaces page defines them, plus {@code credentials:reveal}, which the credentials
 * page grants per person outside every bundle. Capabilities only ever widen what the role
 * allows; {@code chat} is always implied.
 */
public final class Capabilities {

	public static final String CHAT = "chat";

	public static final SortedSet<String> ALL = new TreeSet<>(List.of(CHAT, "routine.create", "routine.run",
			"skill.create", "credential.create", "credential.rotate", "issue.create", "memory.write"));

	/**
	 * Grantable per person only: in no preset and no role fallback (credentials.mdx,
	 * "Capability, not role"), and only an OWNER may grant or revoke it.
	 */
	public static final String CREDENTIALS_REVEAL = MemberCapability.CREDENTIALS_REVEAL;

	/**
	 * What {@code set}, {@code grant} and {@code revoke} accept: the eight and reveal.
	 */
	static final SortedSet<String> GRANTABLE = grantable();

	static final Map<String, Set<String>> PRESETS = Map.of("chat", Set.of(CHAT), "power",
			Set.of(CHAT, "routine.create", "routine.run", "issue.create", "memory.write"), "admin", ALL);

	private Capabilities() {
	}

	private static SortedSet<String> grantable() {
		SortedSet<String> grantable = new TreeSet<>(ALL);
		grantable.add(CREDENTIALS_REVEAL);
		return Collections.unmodifiableSortedSet(grantable);
	}

	/**
	 * The set a member holds: the stored one, else the role default. The default
	 * reproduces the historic backfill, which predates {@code routine.run}, so it is not
	 * the preset of the same name.
	 */
	public static SortedSet<String> resolve(WorkspaceRole role, String[] stored) {
		SortedSet<String> resolved = new TreeSet<>();
		if (stored != null) {
			resolved.addAll(List.of(stored));
		}
		else {
			resolved.addAll(switch (role) {
				case OWNER, ADMIN -> ALL.stream().filter(capability -> !capability.equals("routine.run")).toList();
				case MANAGER -> List.of(CHAT, "routine.create", "issue.create", "memory.write");
				case MEMBER, VIEWER -> List.of(CHAT);
			});
		}
		resolved.add(CHAT);
		return resolved;
	}

	/**
	 * @throws ProblemException 400 naming the first unknown capability
	 */
	static void requireKnown(Collection<String> capabilities) {
		for (String capability : capabilities) {
			if (capability == null || !GRANTABLE.contains(capability)) {
				throw ProblemException.badRequest("Unknown capability '" + capability + "'; known: " + GRANTABLE);
			}
		}
	}

}
