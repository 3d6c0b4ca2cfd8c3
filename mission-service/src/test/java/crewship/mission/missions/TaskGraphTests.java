package crewship.mission.missions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import crewship.platform.web.ProblemException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The task DAG and the status tables of the page, without a server. */
class TaskGraphTests {

	private static TaskGraph graph(Object... pairs) {
		Map<String, List<String>> edges = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			@SuppressWarnings("unchecked")
			List<String> deps = (List<String>) pairs[i + 1];
			edges.put((String) pairs[i], deps);
		}
		return new TaskGraph(edges);
	}

	@Test
	void aDiamondIsAValidDag() {
		assertThatCode(
				() -> graph("a", List.of(), "b", List.of("a"), "c", List.of("a"), "d", List.of("b", "c")).validate())
			.doesNotThrowAnyException();
	}

	@Test
	void aCycleIsRefusedNamingItsTasks() {
		ProblemException refused = catchThrowableOfType(ProblemException.class,
				() -> graph("a", List.of("c"), "b", List.of("a"), "c", List.of("b"), "x9", List.of()).validate());
		assertThat(refused.getStatusCode().value()).isEqualTo(400);
		assertThat(refused.getBody().getDetail()).contains("cycle").contains("a").contains("b").contains("c");
		assertThat(refused.getBody().getDetail()).doesNotContain("x9");
	}

	@Test
	void selfAndForeignDependenciesAreRefused() {
		assertThat(catchThrowableOfType(ProblemException.class, () -> graph("a", List.of("a")).validate()).getBody()
			.getDetail()).contains("itself");
		assertThat(catchThrowableOfType(ProblemException.class, () -> graph("a", List.of("zzz")).validate()).getBody()
			.getDetail()).contains("zzz").contains("not a task of this mission");
	}

	@Test
	void replacingOneTasksDependenciesCanCloseACycle() {
		TaskGraph chain = graph("a", List.of(), "b", List.of("a"), "c", List.of("b"));
		chain.validate();
		assertThat(catchThrowableOfType(ProblemException.class, () -> chain.with("a", List.of("c")).validate()))
			.isNotNull();
	}

	@Test
	void downstreamIsEveryTransitiveDependent() {
		TaskGraph g = graph("a", List.of(), "b", List.of("a"), "c", List.of("b"), "x", List.of());
		assertThat(g.downstream(Set.of("a"))).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(g.downstream(Set.of("x"))).containsExactly("x");
	}

	@Test
	void missionTransitionsFollowThePage() {
		assertThat(MissionStatus.PLANNING.allowed()).containsExactlyInAnyOrder(MissionStatus.IN_PROGRESS,
				MissionStatus.CANCELLED);
		assertThat(MissionStatus.IN_PROGRESS.allowed()).containsExactlyInAnyOrder(MissionStatus.REVIEW,
				MissionStatus.FAILED, MissionStatus.CANCELLED);
		assertThat(MissionStatus.REVIEW.allowed()).containsExactlyInAnyOrder(MissionStatus.COMPLETED,
				MissionStatus.IN_PROGRESS, MissionStatus.FAILED, MissionStatus.CANCELLED);
		assertThat(MissionStatus.COMPLETED.allowed()).isEmpty();
		assertThat(catchThrowableOfType(ProblemException.class,
				() -> MissionStatus.PLANNING.requireTransition(MissionStatus.COMPLETED))
			.getStatusCode()
			.value()).isEqualTo(400);
	}

	@Test
	void taskTransitionsFollowThePage() {
		assertThat(TaskStatus.PENDING.allowed()).containsExactlyInAnyOrder(TaskStatus.IN_PROGRESS, TaskStatus.SKIPPED);
		assertThat(TaskStatus.BLOCKED.allowed()).containsExactlyInAnyOrder(TaskStatus.PENDING, TaskStatus.SKIPPED);
		assertThat(TaskStatus.IN_PROGRESS.allowed()).containsExactlyInAnyOrder(TaskStatus.COMPLETED, TaskStatus.FAILED,
				TaskStatus.SKIPPED);
		assertThat(TaskStatus.COMPLETED.allowed()).isEmpty();
		assertThat(catchThrowableOfType(ProblemException.class, () -> TaskStatus.parse("DONE"))).isNotNull();
	}

}
