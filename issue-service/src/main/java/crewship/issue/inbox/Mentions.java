package crewship.issue.inbox;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import crewship.issue.directory.MemberDirectory;
import crewship.issue.inbox.Inbox.NewItem;
import crewship.issue.issues.Issue;

/**
 * A comment that mentions workspace members leaves each of them an inbox item, in the
 * comment's transaction. A mention names a user by id — {@code @[Ada](user:c…)}, the form
 * an editor's mention picker writes, or a bare {@code @c…} — because display names are
 * neither unique nor stable. Only members of the workspace are notified, never the
 * author, at most {@link #MAX_MENTIONS} per comment.
 */
@Component
public class Mentions {

	static final int MAX_MENTIONS = 20;

	private static final Pattern MENTION = Pattern
		.compile("@\\[[^\\]\\n]{0,200}\\]\\(user:(c[0-9a-z]{24})\\)|(?<![\\w@])@(c[0-9a-z]{24})(?![0-9a-z])");

	private static final int BODY_MAX = 4000;

	private final Inbox inbox;

	private final MemberDirectory members;

	Mentions(Inbox inbox, MemberDirectory members) {
		this.inbox = inbox;
		this.members = members;
	}

	/** The user ids a text mentions, in order, without repeats. */
	static Set<String> mentioned(String text) {
		Set<String> ids = new LinkedHashSet<>();
		Matcher matcher = MENTION.matcher(text);
		while (matcher.find() && ids.size() < MAX_MENTIONS) {
			ids.add((matcher.group(1) != null) ? matcher.group(1) : matcher.group(2));
		}
		return ids;
	}

	/**
	 * @return how many members were notified
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public int commented(String workspaceId, String authorId, Issue issue, String commentId, String body) {
		Set<String> ids = mentioned(body);
		ids.remove(authorId);
		if (ids.isEmpty()) {
			return 0;
		}
		String author = this.members.name(workspaceId, authorId).orElse("Someone");
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("source", "mention");
		payload.put("issue_id", issue.id());
		payload.put("identifier", issue.identifier());
		payload.put("crew_id", issue.crewId());
		payload.put("comment_id", commentId);
		String excerpt = (body.length() <= BODY_MAX) ? body : body.substring(0, BODY_MAX - 1) + "…";
		int notified = 0;
		for (String userId : ids) {
			if (this.members.isMember(workspaceId, userId)
					&& this.inbox.add(new NewItem(null, workspaceId, Inbox.MESSAGE, commentId, userId, null,
							author + " mentioned you on " + issue.identifier() + ": " + issue.title(), excerpt, "user",
							authorId, null, "normal", false, payload))) {
				notified++;
			}
		}
		return notified;
	}

}
