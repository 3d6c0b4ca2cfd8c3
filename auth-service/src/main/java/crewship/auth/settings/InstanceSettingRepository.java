package crewship.auth.settings;

import java.util.List;

import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;

interface InstanceSettingRepository extends JpaRepository<InstanceSetting, String> {

	List<InstanceSetting> findAllByOrderByKeyAsc(Limit limit);

}
