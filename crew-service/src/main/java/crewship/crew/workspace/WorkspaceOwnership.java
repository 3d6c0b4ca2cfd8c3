package crewship.crew.workspace;

/**
 * Which workspace an entity belongs to: the answer of the internal lookups other services
 * (realtime-service's channel checks) ask on a miss.
 */
public record WorkspaceOwnership(String id, String workspaceId) {

}
