package crewship.crew.skills;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where skills may be imported from, and the bounds on fetching them.
 *
 * @param allowPrivateEndpoints dial loopback, private and link-local addresses (a LAN git
 * server); off by default
 * @param allowedHosts host names dialled even when they resolve to a private address (an
 * operator's internal git server), compared as written in the URL
 * @param maxFetchBytes the largest SKILL.md a URL import reads
 * @param fetchTimeout the whole URL fetch, redirects and body included
 * @param gitMaxBytes the most a bulk import's shallow clone may write
 * @param gitTimeout the whole clone
 * @param gitMaxSkills SKILL.md files one bulk import takes; beyond it the answer says
 * {@code truncated}
 * @param allowFileRepositories accept {@code file:} git URLs (tests); never in production
 */
@ConfigurationProperties("crewship.skills")
record SkillProperties(@DefaultValue("false") boolean allowPrivateEndpoints, @DefaultValue List<String> allowedHosts,
		@DefaultValue("256KB") DataSize maxFetchBytes, @DefaultValue("10s") Duration fetchTimeout,
		@DefaultValue("20MB") DataSize gitMaxBytes, @DefaultValue("60s") Duration gitTimeout,
		@DefaultValue("200") int gitMaxSkills, @DefaultValue("false") boolean allowFileRepositories) {

}
