package dev.agentmesh.emulator.model;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * A deterministic, offline stand-in for the realtime model: it calls a tool for questions about live
 * data, speaks tool results back, and otherwise makes small talk.
 */
public final class StandInModel {

    public static final String AUDIO_NOT_UNDERSTOOD = "I heard you, but I could not make out what you said: this "
            + "offline emulator only understands phrases it can say itself. Please type your question instead.";

    private static final Pattern LIVE_DATA = Pattern.compile("\\b(weather|forecast\\w*|temperatures?|rain\\w*|snow\\w*"
            + "|wind\\w*|sunny|umbrella|storms?|humid\\w*|degrees|news|headlines?|latest|happening|related"
            + "|articles?|stories)\\b");
    private static final Pattern GREETING = Pattern.compile("^\\W*(hello|hi|hey|hiya|howdy|good (morning|afternoon|evening))\\b");
    private static final Pattern THANKS = Pattern.compile("\\b(thanks|thank you|cheers|appreciate)\\b");
    private static final Pattern CAPABILITIES = Pattern.compile("what can you do|what do you do|\\bhelp\\b|who are you");
    private static final Pattern HOW_ARE_YOU = Pattern.compile("how are you|how's it going|how are things");
    private static final Pattern GOODBYE = Pattern.compile("\\b(bye|goodbye|see you|good night)\\b");

    /**
     * @param context    the items the response sees, oldest first (already resolved from the conversation)
     * @param tools      the function tools available to this response
     * @param toolChoice {@code "auto"}, {@code "none"}, {@code "required"} or {@code {"type":"function","name":…}}
     * @param heard      item id to the phrase recognised in that item's audio, or null when none was
     */
    public Reply reply(List<JsonNode> context, List<JsonNode> tools, JsonNode toolChoice, Function<String, String> heard) {
        JsonNode last = lastTurn(context);
        if (last == null) {
            return new Reply.Speech("Hello! How can I help you today?");
        }
        String type = last.path("type").asString("");
        if (type.equals("function_call_output")) {
            return new Reply.Speech(AnswerComposer.compose(last.path("output").asString("")));
        }
        if (!type.equals("message") || !"user".equals(last.path("role").asString(""))) {
            return new Reply.Speech("Is there anything else I can help you with?");
        }
        String text = userText(last, heard);
        if (text.isBlank()) {
            return new Reply.Speech(AUDIO_NOT_UNDERSTOOD);
        }
        JsonNode tool = chooseTool(text, functionTools(tools), toolChoice);
        if (tool != null) {
            String arguments = ArgumentBuilder.build(tool.get("parameters"), text).toString();
            return new Reply.ToolCall(tool.get("name").asString(), arguments);
        }
        return new Reply.Speech(smallTalk(text, !functionTools(tools).isEmpty()));
    }

    private static JsonNode lastTurn(List<JsonNode> context) {
        for (int i = context.size() - 1; i >= 0; i--) {
            JsonNode item = context.get(i);
            boolean systemMessage = "message".equals(item.path("type").asString(""))
                    && "system".equals(item.path("role").asString(""));
            if (!systemMessage) {
                return item;
            }
        }
        return null;
    }

    /** Typed text, and for audio what was recognised in it (never a client-supplied transcript: the API does not send those to the model). */
    private static String userText(JsonNode message, Function<String, String> heard) {
        StringBuilder text = new StringBuilder();
        boolean audioHeard = false;
        for (JsonNode part : message.path("content")) {
            String type = part.path("type").asString("");
            if (type.equals("input_text") && part.path("text").isString()) {
                text.append(part.get("text").stringValue()).append(' ');
            } else if (type.equals("input_audio") && !audioHeard) {
                String phrase = heard.apply(message.path("id").asString(""));
                if (phrase != null) {
                    text.append(phrase).append(' ');
                    audioHeard = true;
                }
            }
        }
        return text.toString().strip();
    }

    private static List<JsonNode> functionTools(List<JsonNode> tools) {
        return tools.stream().filter(tool -> "function".equals(tool.path("type").asString(""))).toList();
    }

    private static JsonNode chooseTool(String text, List<JsonNode> tools, JsonNode toolChoice) {
        if (tools.isEmpty()) {
            return null;
        }
        if (toolChoice != null && toolChoice.isObject()) {
            String name = toolChoice.path("name").asString("");
            return tools.stream().filter(tool -> name.equals(tool.path("name").asString(""))).findFirst().orElse(null);
        }
        String choice = toolChoice == null ? "auto" : toolChoice.asString("auto");
        return switch (choice) {
            case "none" -> null;
            case "required" -> ToolSelector.select(tools, text);
            default -> asksForLiveData(text) ? ToolSelector.select(tools, text) : null;
        };
    }

    static boolean asksForLiveData(String text) {
        return LIVE_DATA.matcher(text.toLowerCase(Locale.ROOT)).find();
    }

    private static String smallTalk(String text, boolean hasTools) {
        String lower = text.toLowerCase(Locale.ROOT);
        String offer = hasTools ? " I can look up the weather and the news for you." : "";
        if (GREETING.matcher(lower).find()) {
            return "Hello! How can I help you today?" + offer;
        }
        if (THANKS.matcher(lower).find()) {
            return "You're welcome! Is there anything else I can help with?";
        }
        if (HOW_ARE_YOU.matcher(lower).find()) {
            return "I'm doing well, thanks for asking! What would you like to know?";
        }
        if (GOODBYE.matcher(lower).find()) {
            return "Goodbye! Talk to you soon.";
        }
        if (CAPABILITIES.matcher(lower).find()) {
            return hasTools
                    ? "I can chat with you, and for live information like the weather or the latest news I use my tools. Just ask."
                    : "I can chat with you, but I have no tools in this session, so I cannot look anything up.";
        }
        if (asksForLiveData(text)) {
            return "Sorry, I cannot look up live information in this session.";
        }
        return "Sorry, I can only make small talk here." + (hasTools
                ? " Ask me about the weather or the news and I will look it up."
                : "");
    }
}
