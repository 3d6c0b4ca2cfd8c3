package crewship.auth.workspaces;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import crewship.platform.membership.WorkspaceAccess;

/** In auth-service the membership table is the truth: RBAC reads it, not a replica. */
@Configuration(proxyBeanMethods = false)
class WorkspaceAccessConfiguration {

	@Bean
	WorkspaceAccess workspaceAccess(WorkspaceRepository workspaces, WorkspaceMemberRepository members) {
		return new WorkspaceAccess((workspaceId, userId) -> workspaces.findLive(workspaceId).isPresent()
				? members.findByWorkspaceIdAndUserId(workspaceId, userId).map(WorkspaceMember::getRole).orElse(null)
				: null);
	}

}
