package crewship.mission.missions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import crewship.platform.web.ProblemException;

/**
 * A mission's tasks as a dependency graph: task → the tasks it waits for. Validation
 * refuses a dependency on a task outside the mission, on itself, and any cycle (each with
 * 400 naming the tasks involved).
 */
public final class TaskGraph {

	private final Map<String, List<String>> dependsOn;

	public TaskGraph(Map<String, List<String>> dependsOn) {
		this.dependsOn = new LinkedHashMap<>(dependsOn);
	}

	/** The graph of these tasks. */
	public static TaskGraph of(List<MissionStore.Task> tasks) {
		Map<String, List<String>> graph = new LinkedHashMap<>();
		for (MissionStore.Task task : tasks) {
			graph.put(task.id(), task.dependsOn());
		}
		return new TaskGraph(graph);
	}

	/** The graph with one task's dependencies replaced (or a task added). */
	public TaskGraph with(String taskId, List<String> dependencies) {
		TaskGraph changed = new TaskGraph(this.dependsOn);
		changed.dependsOn.put(taskId, List.copyOf(dependencies));
		return changed;
	}

	/**
	 * @throws ProblemException 400 for an unknown or self dependency, or a cycle
	 */
	public void validate() {
		for (Map.Entry<String, List<String>> task : this.dependsOn.entrySet()) {
			for (String dependency : task.getValue()) {
				if (dependency.equals(task.getKey())) {
					throw ProblemException.badRequest("Task " + task.getKey() + " cannot depend on itself");
				}
				if (!this.dependsOn.containsKey(dependency)) {
					throw ProblemException
						.badRequest("depends_on names " + dependency + ", which is not a task of this mission");
				}
			}
		}
		List<String> cycle = cycle();
		if (!cycle.isEmpty()) {
			throw ProblemException.badRequest("Task dependencies form a cycle: " + String.join(" → ", cycle));
		}
	}

	/** A dependency cycle as a path that returns to its first task; empty when none. */
	List<String> cycle() {
		Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
		for (String start : this.dependsOn.keySet()) {
			if (state.containsKey(start)) {
				continue;
			}
			Deque<String> path = new ArrayDeque<>();
			Deque<java.util.Iterator<String>> next = new ArrayDeque<>();
			path.push(start);
			next.push(this.dependsOn.getOrDefault(start, List.of()).iterator());
			state.put(start, 1);
			while (!path.isEmpty()) {
				java.util.Iterator<String> edges = next.peek();
				if (!edges.hasNext()) {
					state.put(path.pop(), 2);
					next.pop();
					continue;
				}
				String dependency = edges.next();
				Integer seen = state.get(dependency);
				if (seen == null) {
					state.put(dependency, 1);
					path.push(dependency);
					next.push(this.dependsOn.getOrDefault(dependency, List.of()).iterator());
				}
				else if (seen == 1) {
					List<String> cycle = new ArrayList<>();
					List<String> onPath = new ArrayList<>(path);
					java.util.Collections.reverse(onPath);
					cycle.addAll(onPath.subList(onPath.indexOf(dependency), onPath.size()));
					cycle.add(dependency);
					return cycle;
				}
			}
		}
		return List.of();
	}

	/**
	 * The task and every task that (transitively) depends on it, the task first.
	 */
	public Set<String> downstream(Set<String> from) {
		Map<String, Set<String>> dependents = new HashMap<>();
		this.dependsOn.forEach((task, dependencies) -> dependencies
			.forEach(dependency -> dependents.computeIfAbsent(dependency, key -> new HashSet<>()).add(task)));
		Set<String> reached = new LinkedHashSet<>(from);
		Deque<String> queue = new ArrayDeque<>(from);
		while (!queue.isEmpty()) {
			for (String dependent : dependents.getOrDefault(queue.poll(), Set.of())) {
				if (reached.add(dependent)) {
					queue.add(dependent);
				}
			}
		}
		return reached;
	}

}
