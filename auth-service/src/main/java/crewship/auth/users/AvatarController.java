package crewship.auth.users;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import crewship.auth.users.UserAvatars.Stored;
import crewship.platform.identity.IdentityAssertion;
import crewship.platform.images.ImageResponses;

/**
 * {@code /api/v1/users/me/avatar} (upload as {@code multipart/form-data} with a
 * {@code file} field, delete) and {@code /api/v1/users/{id}/avatar} (the image, with
 * {@code nosniff} and a sandboxing CSP).
 */
@RestController
class AvatarController {

	private final UserAvatars avatars;

	AvatarController(UserAvatars avatars) {
		this.avatars = avatars;
	}

	@PostMapping(path = "/api/v1/users/me/avatar", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	Map<String, Object> upload(@RequestPart(name = "file", required = false) MultipartFile file,
			IdentityAssertion caller) {
		return this.avatars.upload(caller.requireUser(), file);
	}

	@DeleteMapping("/api/v1/users/me/avatar")
	Map<String, Object> delete(IdentityAssertion caller) {
		return this.avatars.delete(caller.requireUser());
	}

	@GetMapping("/api/v1/users/{id}/avatar")
	ResponseEntity<byte[]> read(@PathVariable String id, IdentityAssertion caller) {
		String callerId = caller.requireUser();
		Stored avatar = this.avatars.read(callerId, "me".equals(id) ? callerId : id);
		return ImageResponses.image(avatar.type(), avatar.content());
	}

}
