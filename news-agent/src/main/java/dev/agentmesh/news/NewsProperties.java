package dev.agentmesh.news;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * @param provider {@code rss} (the feeds in {@code feeds}) or {@code offline} (bundled sample feeds)
 * @param feeds NEWS_FEEDS: RSS 2.0 or Atom URLs, comma separated
 * @param cacheTtl how long a fetched feed is reused
 * @param maxItems the most items one answer cites
 */
@Validated
@ConfigurationProperties("news")
record NewsProperties(@NotNull Provider provider, @NotEmpty List<String> feeds, @NotNull Duration cacheTtl,
                      @Min(1) int maxItems, @NotNull Duration connectTimeout, @NotNull Duration readTimeout) {

    enum Provider { RSS, OFFLINE }
}
