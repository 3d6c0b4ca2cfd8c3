package crewship.crew.slash;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import crewship.platform.identity.IdentityAssertion;
import crewship.platform.membership.Membership;
import crewship.platform.membership.RequestedWorkspace;
import crewship.platform.membership.WorkspaceAccess;
import crewship.platform.membership.WorkspaceRole.Action;
import crewship.platform.web.ProblemException;

/**
 * {@code GET /api/v1/slash-commands} (slash-commands.mdx): the catalog intersected with
 * the caller's capabilities, read from the replicated membership (auth-service resolves a
 * member's effective set, role defaults included). Entries the caller cannot use never
 * reach the wire; a member with no grants gets an empty array, not a 403. The per-routine
 * half of the page (routines offered as {@code /slug}) has no source here — there is no
 * routine registry in the suite — so only the static catalog is served.
 */
@RestController
class SlashCommandController {

	/** One entry of the palette. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Command(String id, String label, String labelCs, String icon, String capability,
			List<FormField> formSchema) {
	}

	/** One field of an entry's form; {@code default} is always a string. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record FormField(String name, String type, Boolean required, @JsonProperty("default") String defaultValue,
			String valueType, String help) {

		static FormField required(String name, String type) {
			return new FormField(name, type, true, null, null, null);
		}

		static FormField optional(String name, String type, String defaultValue) {
			return new FormField(name, type, null, defaultValue, null, null);
		}

	}

	/** The platform's four actions, in catalog order. */
	static final List<Command> CATALOG = List.of(
			new Command("routine", "Create routine from this conversation", "Vytvořit rutinu z této konverzace",
					"calendar-clock", "routine.create",
					List.of(FormField.required("name", "text"), FormField.required("cron", "cron"),
							FormField.optional("timezone", "timezone", "UTC"))),
			new Command("issue", "Create issue from this conversation", "Vytvořit úkol z této konverzace", "circle-dot",
					"issue.create",
					List.of(FormField.required("title", "text"), FormField.optional("description", "textarea", null),
							FormField.optional("priority", "priority", "medium"))),
			new Command("skill", "Create skill from this conversation", "Vytvořit dovednost z této konverzace",
					"wand-sparkles", "skill.create",
					List.of(FormField.required("slug", "text"), FormField.required("prompt", "textarea"))),
			new Command("credential", "Add a credential", "Přidat přístupový údaj", "key-round", "credential.create",
					List.of(FormField.required("name", "text"), FormField.required("provider", "provider"),
							FormField.required("value", "secret"))));

	private final WorkspaceAccess access;

	SlashCommandController(WorkspaceAccess access) {
		this.access = access;
	}

	@GetMapping("/api/v1/slash-commands")
	List<Command> list(IdentityAssertion caller, HttpServletRequest request) {
		caller.requireUser();
		String workspaceId = RequestedWorkspace.of(request)
			.orElseThrow(() -> ProblemException.badRequest(
					"Missing workspace context: send workspace_id or the " + RequestedWorkspace.HEADER + " header"));
		Membership membership = this.access.requireMembership(caller, workspaceId, Action.READ, null);
		return CATALOG.stream().filter(command -> membership.hasCapability(command.capability())).toList();
	}

}
