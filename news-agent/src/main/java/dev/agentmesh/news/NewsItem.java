package dev.agentmesh.news;

import java.time.Instant;

/** One feed entry. {@code published} may be null when the feed gives no date. */
record NewsItem(String title, String link, String summary, String source, Instant published) {
}
