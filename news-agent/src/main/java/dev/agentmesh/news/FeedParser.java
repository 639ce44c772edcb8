package dev.agentmesh.news;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.XmlReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** RSS 2.0 and Atom through Rome, for live feeds and bundled ones alike. */
final class FeedParser {

    List<NewsItem> parse(byte[] xml, String fallbackSource) {
        SyndFeed feed;
        try {
            feed = new SyndFeedInput().build(new XmlReader(new ByteArrayInputStream(xml)));
        } catch (FeedException | IOException | IllegalArgumentException e) {
            throw new MalformedFeedException("not an RSS or Atom feed: " + e.getMessage());
        }
        String source = feed.getTitle() == null || feed.getTitle().isBlank() ? fallbackSource : feed.getTitle().trim();
        return feed.getEntries().stream()
                .filter(entry -> entry.getTitle() != null && !entry.getTitle().isBlank())
                .map(entry -> new NewsItem(clean(entry.getTitle()), entry.getLink(), summary(entry), source,
                        published(entry)))
                .toList();
    }

    private static String summary(SyndEntry entry) {
        if (entry.getDescription() != null && entry.getDescription().getValue() != null) {
            return clean(entry.getDescription().getValue());
        }
        if (!entry.getContents().isEmpty() && entry.getContents().getFirst().getValue() != null) {
            return clean(entry.getContents().getFirst().getValue());
        }
        return "";
    }

    private static Instant published(SyndEntry entry) {
        Date date = entry.getPublishedDate() != null ? entry.getPublishedDate() : entry.getUpdatedDate();
        return date == null ? null : date.toInstant();
    }

    /** Strips markup and collapses whitespace. */
    private static String clean(String text) {
        return text.replaceAll("<[^>]*>", " ").replace("&nbsp;", " ").replaceAll("\\s+", " ").trim();
    }

    static final class MalformedFeedException extends RuntimeException {
        MalformedFeedException(String message) {
            super(message);
        }
    }
}
