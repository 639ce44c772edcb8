package dev.agentmesh.llm;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a service sends its calls to an OpenAI-compatible LLM endpoint, and which key goes with them. One rule for
 * every service that calls one (the manager's planner, the chat agent):
 * <ul>
 *     <li>{@code LLM_BASE_URL} names the endpoint; empty means OpenAI's API, {@value #OPENAI_BASE_URL}.</li>
 *     <li>{@code LLM_API_KEY} is that endpoint's key and is sent to it, whatever it is.</li>
 *     <li>{@code OPENAI_API_KEY} is sent only to OpenAI's API host, {@value #OPENAI_HOST}, and only when no
 *     {@code LLM_API_KEY} is set; any other endpoint gets no key from it.</li>
 *     <li>No key is ever sent over plain {@code http} to a host that is not a loopback address: that
 *     configuration is refused with an {@link IllegalArgumentException} (so the service fails at startup) rather
 *     than silently sent or silently dropped.</li>
 *     <li>Online when an endpoint is named or a key for OpenAI is set; otherwise offline (no LLM is called).</li>
 * </ul>
 * Keys never appear in {@link #toString()} or in an exception message.
 */
public final class LlmEndpoint {

    public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
    public static final String OPENAI_HOST = "api.openai.com";

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final boolean online;
    private final String baseUrl;
    private final String apiKey;
    private final String keySource;
    private final String withheld;

    private LlmEndpoint(boolean online, String baseUrl, String apiKey, String keySource, String withheld) {
        this.online = online;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.keySource = keySource;
        this.withheld = withheld;
    }

    /**
     * Applies the rule to what the service was configured with.
     *
     * @param baseUrl LLM_BASE_URL, may be null or blank
     * @param llmApiKey LLM_API_KEY, may be null or blank
     * @param openAiApiKey OPENAI_API_KEY, may be null or blank
     * @throws IllegalArgumentException when the URL is not an http(s) URL with a host, or a key would travel over
     *                                  plain http to a host that is not a loopback address
     */
    public static LlmEndpoint resolve(String baseUrl, String llmApiKey, String openAiApiKey) {
        boolean named = hasText(baseUrl);
        boolean llmKey = hasText(llmApiKey);
        boolean openAiKey = hasText(openAiApiKey);
        if (!named && !llmKey && !openAiKey) {
            return new LlmEndpoint(false, OPENAI_BASE_URL, null, null, null);
        }
        String url = named ? stripTrailingSlashes(baseUrl.trim()) : OPENAI_BASE_URL;
        URI uri = parse(url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        boolean openAiHost = host.equals(OPENAI_HOST);

        String key = null;
        String source = null;
        String withheld = null;
        if (llmKey) {
            key = llmApiKey.trim();
            source = "LLM_API_KEY";
        } else if (openAiKey && openAiHost) {
            key = openAiApiKey.trim();
            source = "OPENAI_API_KEY";
        } else if (openAiKey) {
            withheld = "OPENAI_API_KEY is set but only ever sent to " + OPENAI_HOST
                    + "; set LLM_API_KEY if this endpoint needs a key";
        }
        if (key != null && scheme.equals("http") && !isLoopback(host)) {
            throw new IllegalArgumentException(source + " would be sent in clear text to " + origin(uri)
                    + ": LLM_BASE_URL must use https for a host that is not a loopback address (localhost, "
                    + "127.0.0.0/8, ::1), or the key must be unset");
        }
        return new LlmEndpoint(true, url, key, source, withheld);
    }

    /** False when nothing names an LLM: the service works offline. */
    public boolean online() {
        return online;
    }

    /** The endpoint's base URL without a trailing slash, for example {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The key to send as {@code Authorization: Bearer}, if any. */
    public Optional<String> apiKey() {
        return Optional.ofNullable(apiKey);
    }

    /** For an operator's log line: the endpoint's origin and which variable's key goes there, never the key. */
    public String describe() {
        if (!online) {
            return "offline (no LLM_BASE_URL, LLM_API_KEY or OPENAI_API_KEY is set)";
        }
        String origin = origin(parse(baseUrl));
        String credentials = keySource != null ? "with " + keySource : "without a key";
        return origin + " " + credentials + (withheld != null ? " (" + withheld + ")" : "");
    }

    @Override
    public String toString() {
        return "LlmEndpoint[" + describe() + "]";
    }

    /** localhost, 127.0.0.0/8 or ::1 (also IPv4-mapped); names other than localhost are not looked up. */
    public static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        Matcher ipv4 = IPV4.matcher(bare);
        if (ipv4.matches()) {
            for (int group = 1; group <= 4; group++) {
                if (Integer.parseInt(ipv4.group(group)) > 255) {
                    return false;
                }
            }
            return ipv4.group(1).equals("127");
        }
        if (bare.contains(":")) {
            try {
                // an IPv6 literal: parsed, never resolved
                return InetAddress.getByName(bare).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("LLM_BASE_URL is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("LLM_BASE_URL must be an http or https URL with a host, for example "
                    + "http://127.0.0.1:11434/v1");
        }
        return uri;
    }

    /** scheme://host[:port], nothing that could carry a credential (user info, path, query). */
    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private static String stripTrailingSlashes(String url) {
        String stripped = url;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        return stripped;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
