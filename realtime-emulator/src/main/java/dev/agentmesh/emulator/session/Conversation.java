package dev.agentmesh.emulator.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The default conversation: items in order, plus the audio of items that have audio (kept out of the items). */
final class Conversation {

    static final String ROOT = "root";

    private final String id = Ids.next("conv");
    private final List<ObjectNode> items = new ArrayList<>();
    private final Map<String, byte[]> audio = new HashMap<>();
    /** What the stand-in model understood of an item's audio: the recognised phrase. */
    private final Map<String, String> heard = new HashMap<>();

    String id() {
        return id;
    }

    ObjectNode find(String itemId) {
        return items.stream().filter(item -> itemId.equals(item.path("id").asString(""))).findFirst().orElse(null);
    }

    ObjectNode require(String itemId, String param) {
        ObjectNode item = find(itemId);
        if (item == null) {
            throw new ProtocolException("item_not_found", "Item with item_id '" + itemId + "' not found.", param);
        }
        return item;
    }

    /**
     * Inserts after {@code previousItemId} ({@code null} appends, {@code "root"} puts it first) and
     * returns the id of the item now before it, or {@code null} if it is first.
     */
    String insert(ObjectNode item, String previousItemId) {
        int index;
        if (previousItemId == null) {
            index = items.size();
        } else if (previousItemId.equals(ROOT)) {
            index = 0;
        } else {
            index = items.indexOf(require(previousItemId, "previous_item_id")) + 1;
        }
        items.add(index, item);
        return index == 0 ? null : items.get(index - 1).get("id").asString();
    }

    String previousOf(String itemId) {
        for (int i = 1; i < items.size(); i++) {
            if (itemId.equals(items.get(i).get("id").asString())) {
                return items.get(i - 1).get("id").asString();
            }
        }
        return null;
    }

    void remove(String itemId) {
        items.remove(require(itemId, "item_id"));
        audio.remove(itemId);
        heard.remove(itemId);
    }

    List<JsonNode> items() {
        return new ArrayList<>(items);
    }

    void putAudio(String itemId, byte[] pcm) {
        audio.put(itemId, pcm);
    }

    byte[] audio(String itemId) {
        return audio.get(itemId);
    }

    void putHeard(String itemId, String phrase) {
        heard.put(itemId, phrase);
    }

    /** The phrase recognised in the item's audio, or null. */
    String heard(String itemId) {
        return heard.get(itemId);
    }
}
