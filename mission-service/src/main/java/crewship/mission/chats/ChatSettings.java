package crewship.mission.chats;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of chats.
 *
 * @param messageMaxChars the longest message a user may send
 * @param conversationTurns earlier messages handed to the agent with a new one
 * @param conversationChars the most text those earlier messages may hold together (the
 * oldest are dropped first)
 * @param transcriptMaxLimit the most messages one read of a transcript returns
 * @param attachmentMaxBytes the largest attachment; the suite's 1 MiB body limit caps an
 * upload anyway, the default leaves room for the multipart framing
 * @param attachmentMaxCount attachments per chat
 * @param pendingSteerMax steering messages a chat holds while a reply is written
 * @param streamIdleSeconds how long {@code GET …/stream} waits without an event by
 * default (and at most {@code streamMaxIdleSeconds})
 */
@ConfigurationProperties("crewship.mission.chats")
public record ChatSettings(@DefaultValue("32000") int messageMaxChars, @DefaultValue("20") int conversationTurns,
		@DefaultValue("24000") int conversationChars, @DefaultValue("500") int transcriptMaxLimit,
		@DefaultValue("1000000") int attachmentMaxBytes, @DefaultValue("20") int attachmentMaxCount,
		@DefaultValue("10") int pendingSteerMax, @DefaultValue("300") int streamIdleSeconds,
		@DefaultValue("3600") int streamMaxIdleSeconds) {

}
