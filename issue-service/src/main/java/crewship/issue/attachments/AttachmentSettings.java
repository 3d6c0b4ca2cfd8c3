package crewship.issue.attachments;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds on attachments, which live in the service's database.
 *
 * @param maxBytes the largest file; the suite's 1 MiB body limit (gateway and service)
 * caps every upload anyway, so the default leaves room for the multipart framing
 * @param maxCount attachments per issue
 */
@ConfigurationProperties("crewship.issue.attachments")
public record AttachmentSettings(@DefaultValue("1000000") int maxBytes, @DefaultValue("20") int maxCount) {

}
