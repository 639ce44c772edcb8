package dev.agentmesh.news;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Bundled RSS 2.0 and Atom sample feeds, read through the same parser as live feeds. */
final class OfflineFeedSource implements FeedSource {

    static final List<String> FILES = List.of("/offline-feeds/world-rss.xml", "/offline-feeds/tech-sport-atom.xml");

    private final List<NewsItem> items;

    OfflineFeedSource() {
        FeedParser parser = new FeedParser();
        List<NewsItem> all = new ArrayList<>();
        for (String file : FILES) {
            all.addAll(parser.parse(load(file), "sample feed"));
        }
        this.items = List.copyOf(all);
    }

    @Override
    public List<NewsItem> items() {
        return items;
    }

    @Override
    public boolean offline() {
        return true;
    }

    private static byte[] load(String file) {
        try (InputStream in = OfflineFeedSource.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
