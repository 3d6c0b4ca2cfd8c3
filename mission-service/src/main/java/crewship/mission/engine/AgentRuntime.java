package crewship.mission.engine;

/**
 * Executes one run for one agent. The engine calls it on a virtual thread of its own and
 * cancels it ({@code stop}, {@code cancel_message}, timeout) by interrupting that thread:
 * an implementation must return (or throw {@link InterruptedException}) within 2 s of the
 * interrupt, including while it waits on a provider's stream.
 * <p>
 * The engine holds exactly one {@code AgentRuntime} bean: the router that picks the
 * runtime per agent ({@code llm} with the provider's credential from the vault,
 * {@code local} in a dev suite without one). Container runtimes plug in here too.
 */
public interface AgentRuntime {

	RunOutcome execute(RuntimeRequest request, RunOutput output) throws InterruptedException;

}
