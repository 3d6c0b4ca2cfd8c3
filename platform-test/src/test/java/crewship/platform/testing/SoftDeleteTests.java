package crewship.platform.testing;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import crewship.platform.ids.Cuid;
import crewship.platform.testing.app.Widget;
import crewship.platform.testing.app.WidgetRepository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Soft delete keeps the row, hides it, and frees its slug (partial unique index). */
@ServiceTest
class SoftDeleteTests {

	@Autowired
	WidgetRepository widgets;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void deletedSlugCanBeReusedAndTheRowStays() {
		String workspace = Cuid.next();
		Widget first = this.widgets.saveAndFlush(new Widget(workspace, "alpha"));
		assertThatThrownBy(() -> this.widgets.saveAndFlush(new Widget(workspace, "alpha")))
			.isInstanceOf(DataIntegrityViolationException.class);

		Widget loaded = this.widgets.findById(first.getId()).orElseThrow();
		assertThat(loaded.markDeleted()).isTrue();
		assertThat(loaded.markDeleted()).as("deleting twice changes nothing").isFalse();
		this.widgets.saveAndFlush(loaded);

		assertThat(this.widgets.findByWorkspaceIdAndSlugAndDeletedAtIsNull(workspace, "alpha")).isEmpty();
		Widget second = this.widgets.saveAndFlush(new Widget(workspace, "alpha"));
		assertThat(this.widgets.findByWorkspaceIdAndSlugAndDeletedAtIsNull(workspace, "alpha")).get()
			.extracting(Widget::getId)
			.isEqualTo(second.getId());
		assertThat(this.jdbc.queryForObject("select count(*) from widget where workspace_id = ?", Integer.class,
				workspace))
			.isEqualTo(2);
	}

}
