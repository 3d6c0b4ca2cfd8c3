package crewship.platform.testing.app;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

public interface WidgetRepository extends JpaRepository<Widget, String> {

	Optional<Widget> findByWorkspaceIdAndSlugAndDeletedAtIsNull(String workspaceId, String slug);

}
