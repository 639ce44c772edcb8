package dev.agentmesh.news;

import dev.agentmesh.events.ContextEntry;
import dev.agentmesh.sdk.Agent;
import dev.agentmesh.sdk.AgentException;
import dev.agentmesh.sdk.AgentRequest;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.regex.Pattern;

/** The news items relevant to a request, from RSS and Atom feeds, each with its source and link. */
@Component
class NewsAgent implements Agent {

    private static final Pattern THERE = Pattern.compile("\\bthere\\b", Pattern.CASE_INSENSITIVE);

    private final FeedSource feeds;
    private final NewsProperties properties;
    private final NewsSelector selector = new NewsSelector();

    NewsAgent(FeedSource feeds, NewsProperties properties) {
        this.feeds = feeds;
        this.properties = properties;
    }

    @Override
    public String name() {
        return "news";
    }

    @Override
    public String handle(AgentRequest request) throws AgentException {
        String subject = withPlaceFromContext(request.text(), request.context());
        List<NewsItem> items = feeds.items();
        List<NewsItem> chosen = selector.select(subject, items, properties.maxItems());
        String suffix = feeds.offline() ? "\n(offline sample feeds)" : "";
        if (items.isEmpty()) {
            return "The news feeds have no items right now." + suffix;
        }
        if (chosen.isEmpty()) {
            List<NewsItem> latest = selector.latest(items, Math.min(3, properties.maxItems()));
            return "I found nothing in the news feeds about " + String.join(", ", selector.keywords(subject).stream()
                    .limit(3).toList()) + ". The latest headlines are:\n" + list(latest) + suffix;
        }
        if (selector.keywords(subject).isEmpty()) {
            // no subject named: what the user follows comes first, if the feeds have any of it
            List<String> interests = request.user() == null ? List.of() : request.user().interests();
            List<NewsItem> followed = interests.isEmpty() ? List.of()
                    : selector.select(String.join(" ", interests), items, properties.maxItems());
            if (!followed.isEmpty()) {
                return "Headlines on what you follow (" + String.join(", ", interests) + "):\n" + list(followed)
                        + suffix;
            }
            return "The latest headlines:\n" + list(chosen) + suffix;
        }
        return "Relevant news:\n" + list(chosen) + suffix;
    }

    /** "What's in the news there?" refers to a place named earlier in the request or the conversation. */
    private static String withPlaceFromContext(String text, List<ContextEntry> context) {
        if (!THERE.matcher(text).find()) {
            return text;
        }
        StringBuilder subject = new StringBuilder(text);
        context.stream().filter(entry -> entry.role().equals("user")).reduce((first, second) -> second)
                .ifPresent(last -> subject.append(' ').append(last.text()));
        return subject.toString();
    }

    private static String list(List<NewsItem> items) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            NewsItem item = items.get(i);
            text.append(i + 1).append(". ").append(item.title()).append(" — ").append(item.source());
            if (item.link() != null && !item.link().isBlank()) {
                text.append(" (").append(item.link()).append(')');
            }
            if (i < items.size() - 1) {
                text.append('\n');
            }
        }
        return text.toString();
    }
}
