package crewship.issue.directory;

import java.util.Locale;

import org.springframework.stereotype.Component;

import crewship.platform.web.ProblemException;

/**
 * The {@code user}/{@code agent} pairs the issue pages take (assignee, project lead,
 * reviewer): each must name someone in the workspace, else 400; names are read from the
 * local copies.
 */
@Component
public class People {

	public static final String USER = "user";

	public static final String AGENT = "agent";

	private final CrewDirectory crews;

	private final MemberDirectory members;

	People(CrewDirectory crews, MemberDirectory members) {
		this.crews = crews;
		this.members = members;
	}

	/** A checked (type, id) pair. */
	public record Person(String type, String id) {
	}

	/**
	 * @param field the request field, for the 400's wording ({@code assignee},
	 * {@code lead})
	 * @return the pair with its type settled (inferred from the id when absent), or null
	 * when {@code id} is null
	 * @throws ProblemException 400 for an unknown type or someone outside the workspace
	 */
	public Person require(String workspaceId, String field, String type, String id) {
		if (id == null) {
			if (type != null) {
				throw ProblemException.badRequest(field + "_id is required with " + field + "_type");
			}
			return null;
		}
		String kind = (type != null) ? type.toLowerCase(Locale.ROOT) : null;
		if (kind != null && !kind.equals(USER) && !kind.equals(AGENT)) {
			throw ProblemException.badRequest(field + "_type must be user or agent");
		}
		if ((kind == null || kind.equals(AGENT)) && this.crews.agent(workspaceId, id).isPresent()) {
			return new Person(AGENT, this.crews.agent(workspaceId, id).get().id());
		}
		if ((kind == null || kind.equals(USER)) && this.members.isMember(workspaceId, id)) {
			return new Person(USER, id);
		}
		throw ProblemException
			.badRequest(field + "_id names no " + ((kind != null) ? kind : "user or agent") + " in this workspace");
	}

	/** The display name of a user or agent, or null when unknown. */
	public String name(String workspaceId, String type, String id) {
		if (id == null || type == null) {
			return null;
		}
		return switch (type) {
			case AGENT -> this.crews.agentName(id).orElse(null);
			case USER -> this.members.name(workspaceId, id).orElse(null);
			default -> null;
		};
	}

}
