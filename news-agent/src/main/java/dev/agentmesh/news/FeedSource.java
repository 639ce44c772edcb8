package dev.agentmesh.news;

import dev.agentmesh.sdk.AgentException;

import java.util.List;

/** Where news items come from: the configured feeds over HTTP, or bundled sample feeds offline. */
interface FeedSource {

    /** Items from every feed that answered; fails only when none did. */
    List<NewsItem> items() throws AgentException;

    boolean offline();
}
