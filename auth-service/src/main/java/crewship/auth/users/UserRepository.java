package crewship.auth.users;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface UserRepository extends JpaRepository<User, String> {

	@Query("select u from User u where lower(u.email) = lower(?1)")
	Optional<User> findByEmail(String email);

}
