package crewship.mission.chats;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * Who may do what with a chat. The agent routes name their workspace
 * ({@code workspace_id} or {@code X-Workspace-ID}); the {@code /api/v1/chats/{chatId}}
 * routes take it from the chat row. Either way a non-member, a chat of another workspace
 * and a chat nested under another agent are all the same 404.
 */
@Component
class ChatAccess {

	private final WorkspaceAccess access;

	private final JdbcTemplate jdbc;

	ChatAccess(WorkspaceAccess access, JdbcTemplate jdbc) {
		this.access = access;
		this.jdbc = jdbc;
	}

	/** The caller in a workspace, with the role that let them in. */
	record Caller(String workspaceId, String userId, WorkspaceRole role) {

		/** An agent editor: may rename or delete anyone's chat of the agent. */
		boolean editsAgents() {
			return this.role.permits(Action.CREATE);
		}

		boolean manages() {
			return this.role.permits(Action.MANAGE);
		}

	}

	/** The caller in the workspace the request names. */
	Caller inRequestedWorkspace(IdentityAssertion caller, HttpServletRequest request) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		return new Caller(workspaceId, caller.subject(), this.access.require(caller, workspaceId, Action.READ));
	}

	/** The chat under the agent in the caller's workspace. */
	Chat nested(Caller caller, String agentId, String chatId) {
		return this.jdbc
			.query("select * from chat where id = ? and workspace_id = ? and agent_id = ?", (rs, n) -> Chat.of(rs),
					chatId, caller.workspaceId(), agentId)
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("Chat not found"));
	}

	/** A chat by id alone, for a member of its workspace. */
	Located byId(IdentityAssertion caller, String chatId) {
		caller.requireUser();
		Chat chat = this.jdbc.query("select * from chat where id = ?", (rs, n) -> Chat.of(rs), chatId)
			.stream()
			.findFirst()
			.orElseThrow(() -> ProblemException.notFound("Chat not found"));
		WorkspaceRole role;
		try {
			role = this.access.require(caller, chat.workspaceId(), Action.READ);
		}
		catch (ProblemException ex) {
			if (ex.getStatusCode().value() == 404) {
				// a chat of a workspace the caller is not in does not exist for them
				throw ProblemException.notFound("Chat not found");
			}
			throw ex;
		}
		return new Located(new Caller(chat.workspaceId(), caller.subject(), role), chat);
	}

	/** A chat with the caller it was located for. */
	record Located(Caller caller, Chat chat) {
	}

	boolean isParticipant(String chatId, String userId) {
		Integer found = this.jdbc.queryForObject(
				"select count(*) from chat_participant where chat_id = ? and user_id = ?", Integer.class, chatId,
				userId);
		return found != null && found > 0;
	}

	/** The creator, a participant: those the agent answers in this chat. */
	boolean maySend(Chat chat, String userId) {
		return userId.equals(chat.createdBy()) || isParticipant(chat.id(), userId);
	}

	/** Rename, delete, attach: the creator, a participant, or an agent editor. */
	void demandWrite(Caller caller, Chat chat) {
		if (!caller.editsAgents() && !maySend(chat, caller.userId())) {
			throw ProblemException.forbidden("Only the chat's creator, its participants and agent editors may do this");
		}
	}

	/** Rename and delete: the creator or an agent editor. */
	void demandOwnerOrEditor(Caller caller, Chat chat) {
		if (!caller.editsAgents() && !caller.userId().equals(chat.createdBy())) {
			throw ProblemException.forbidden("Only the chat's creator or an agent editor may do this");
		}
	}

}
