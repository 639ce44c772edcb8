package dev.agentmesh.emulator.session;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;
import dev.agentmesh.emulator.model.Reply;
import dev.agentmesh.emulator.transcription.PhraseBook;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One response streaming through its lifecycle, a step at a time on the session's executor so that client
 * events (a cancel, a second {@code response.create}) can arrive in between, as on the real API.
 */
final class ResponseRun {

    static final int AUDIO_CHUNK_MS = 150;
    private static final int WORDS_PER_DELTA = 3;
    private static final Duration TEXT_DELTA_PACE = Duration.ofMillis(40);

    private record Step(Duration delay, Runnable action) {
    }

    private final ObjectNode response;
    private final Reply reply;
    private final boolean audio;
    private final PhraseBook voice;
    private final Conversation conversation;
    private final EventWriter out;
    private final SerialExecutor executor;
    private final boolean paced;
    private final int inputTextTokens;
    private final int inputAudioTokens;
    private final Consumer<ResponseRun> onDone;
    private final Deque<Step> steps = new ArrayDeque<>();

    private ObjectNode item;
    private boolean itemOpen;
    private final StringBuilder said = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();
    private final ByteArrayOutputStream audioOut = new ByteArrayOutputStream();
    private boolean finished;

    ResponseRun(ObjectNode response, Reply reply, boolean audio, PhraseBook voice, Conversation conversation,
            EventWriter out, SerialExecutor executor, boolean paced, int inputTextTokens, int inputAudioTokens,
            Consumer<ResponseRun> onDone) {
        this.response = response;
        this.reply = reply;
        this.audio = audio;
        this.voice = voice;
        this.conversation = conversation;
        this.out = out;
        this.executor = executor;
        this.paced = paced;
        this.inputTextTokens = inputTextTokens;
        this.inputAudioTokens = inputAudioTokens;
        this.onDone = onDone;
    }

    String id() {
        return response.get("id").asString();
    }

    boolean inDefaultConversation() {
        return conversation != null;
    }

    /** Sends {@code response.created} now and queues the rest. */
    void start() {
        ObjectNode created = out.event("response.created");
        created.set("response", response.deepCopy());
        out.send(created);
        ObjectNode limits = out.event("rate_limits.updated");
        ArrayNode rateLimits = limits.putArray("rate_limits");
        rateLimits.addObject().put("name", "requests").put("limit", 5000).put("remaining", 4999).put("reset_seconds", 0.012);
        rateLimits.addObject().put("name", "tokens").put("limit", 400000).put("remaining", 399000).put("reset_seconds", 0.15);
        out.send(limits);
        switch (reply) {
            case Reply.Speech speech -> planMessage(speech.text());
            case Reply.ToolCall call -> planToolCall(call);
        }
        steps.add(new Step(Duration.ZERO, () -> finish("completed", null)));
        pump();
    }

    private void pump() {
        Step next = steps.poll();
        if (next == null || finished) {
            return;
        }
        Runnable run = () -> {
            if (!finished) {
                next.action().run();
                pump();
            }
        };
        if (paced && !next.delay().isZero()) {
            executor.schedule(run, next.delay());
        } else {
            executor.execute(run);
        }
    }

    private void planMessage(String text) {
        steps.add(new Step(Duration.ZERO, () -> {
            ObjectNode message = out.object();
            message.put("id", Ids.next("item"));
            message.put("object", "realtime.item");
            message.put("type", "message");
            message.put("status", "in_progress");
            message.put("role", "assistant");
            message.putArray("content");
            openItem(message);
            ObjectNode part = partEvent("response.content_part.added");
            part.set("part", audio ? out.object().put("type", "audio").put("transcript", "")
                    : out.object().put("type", "text").put("text", ""));
            out.send(part);
        }));
        List<String> sentences = sentences(text);
        for (String sentence : sentences) {
            List<String> deltas = wordGroups(sentence + (sentence.equals(sentences.getLast()) ? "" : " "));
            if (!audio) {
                deltas.forEach(delta -> steps.add(new Step(TEXT_DELTA_PACE, () -> textDelta("response.output_text.delta", delta))));
                continue;
            }
            steps.add(new Step(Duration.ZERO, () -> speak(sentence, deltas)));
        }
        steps.add(new Step(Duration.ZERO, () -> closeMessage("completed")));
    }

    /**
     * Synthesises one sentence (which the emulator will then recognise when it hears it back) and queues its
     * audio chunks, transcript deltas spread across them.
     */
    private void speak(String sentence, List<String> transcriptDeltas) {
        byte[] pcm = voice.speak(sentence);
        int chunkBytes = AUDIO_CHUNK_MS * SpeechSynthesizer.BYTES_PER_MS;
        int chunks = Math.max(1, (pcm.length + chunkBytes - 1) / chunkBytes);
        List<Step> sentenceSteps = new ArrayList<>();
        int nextDelta = 0;
        for (int chunk = 0; chunk < chunks; chunk++) {
            while (nextDelta < transcriptDeltas.size() && nextDelta * chunks <= chunk * transcriptDeltas.size()) {
                String delta = transcriptDeltas.get(nextDelta++);
                sentenceSteps.add(new Step(Duration.ZERO, () -> textDelta("response.output_audio_transcript.delta", delta)));
            }
            int from = chunk * chunkBytes;
            int to = Math.min(pcm.length, from + chunkBytes);
            if (to > from) {
                byte[] slice = java.util.Arrays.copyOfRange(pcm, from, to);
                sentenceSteps.add(new Step(Duration.ofMillis(slice.length / SpeechSynthesizer.BYTES_PER_MS),
                        () -> audioDelta(slice)));
            }
        }
        while (nextDelta < transcriptDeltas.size()) {
            String delta = transcriptDeltas.get(nextDelta++);
            sentenceSteps.add(new Step(Duration.ZERO, () -> textDelta("response.output_audio_transcript.delta", delta)));
        }
        for (int i = sentenceSteps.size() - 1; i >= 0; i--) {
            steps.addFirst(sentenceSteps.get(i));
        }
    }

    private void planToolCall(Reply.ToolCall call) {
        steps.add(new Step(Duration.ZERO, () -> {
            ObjectNode functionCall = out.object();
            functionCall.put("id", Ids.next("item"));
            functionCall.put("object", "realtime.item");
            functionCall.put("type", "function_call");
            functionCall.put("status", "in_progress");
            functionCall.put("name", call.name());
            functionCall.put("call_id", Ids.next("call"));
            functionCall.put("arguments", "");
            openItem(functionCall);
        }));
        String json = call.arguments();
        int pieces = Math.max(1, Math.min(4, json.length() / 12));
        for (int i = 0; i < pieces; i++) {
            String delta = json.substring(i * json.length() / pieces, (i + 1) * json.length() / pieces);
            steps.add(new Step(TEXT_DELTA_PACE, () -> {
                arguments.append(delta);
                ObjectNode event = itemEvent("response.function_call_arguments.delta");
                event.put("call_id", item.get("call_id").asString());
                event.put("delta", delta);
                out.send(event);
            }));
        }
        steps.add(new Step(Duration.ZERO, () -> closeToolCall("completed")));
    }

    private void openItem(ObjectNode newItem) {
        item = newItem;
        itemOpen = true;
        ObjectNode added = out.event("response.output_item.added");
        added.put("response_id", id());
        added.put("output_index", 0);
        added.set("item", item.deepCopy());
        out.send(added);
        if (conversation != null) {
            String previous = conversation.insert(item, null);
            ObjectNode conversationAdded = out.event("conversation.item.added");
            conversationAdded.put("previous_item_id", previous);
            conversationAdded.set("item", item.deepCopy());
            out.send(conversationAdded);
        }
    }

    private void textDelta(String type, String delta) {
        said.append(delta);
        ObjectNode event = partEvent(type);
        event.put("delta", delta);
        out.send(event);
    }

    private void audioDelta(byte[] pcm) {
        audioOut.writeBytes(pcm);
        ObjectNode event = partEvent("response.output_audio.delta");
        event.put("delta", Base64.getEncoder().encodeToString(pcm));
        out.send(event);
    }

    private void closeMessage(String status) {
        String text = said.toString();
        if (audio) {
            out.send(partEvent("response.output_audio.done"));
            ObjectNode transcriptDone = partEvent("response.output_audio_transcript.done");
            transcriptDone.put("transcript", text);
            out.send(transcriptDone);
        } else {
            ObjectNode textDone = partEvent("response.output_text.done");
            textDone.put("text", text);
            out.send(textDone);
        }
        ObjectNode partDone = partEvent("response.content_part.done");
        partDone.set("part", audio ? out.object().put("type", "audio").put("transcript", text)
                : out.object().put("type", "text").put("text", text));
        out.send(partDone);
        item.put("status", status);
        ArrayNode content = item.putArray("content");
        if (audio) {
            content.addObject().put("type", "output_audio").put("transcript", text);
            if (conversation != null) {
                conversation.putAudio(item.get("id").asString(), audioOut.toByteArray());
            }
        } else {
            content.addObject().put("type", "output_text").put("text", text);
        }
        closeItem();
    }

    private void closeToolCall(String status) {
        ObjectNode done = itemEvent("response.function_call_arguments.done");
        done.put("call_id", item.get("call_id").asString());
        done.put("name", item.get("name").asString());
        done.put("arguments", arguments.toString());
        out.send(done);
        item.put("status", status);
        item.put("arguments", arguments.toString());
        closeItem();
    }

    /** Order as in the reference's GA example: conversation.item.done, then response.output_item.done. */
    private void closeItem() {
        itemOpen = false;
        if (conversation != null) {
            ObjectNode conversationDone = out.event("conversation.item.done");
            conversationDone.put("previous_item_id", conversation.previousOf(item.get("id").asString()));
            conversationDone.set("item", item.deepCopy());
            out.send(conversationDone);
        }
        ObjectNode outputDone = out.event("response.output_item.done");
        outputDone.put("response_id", id());
        outputDone.put("output_index", 0);
        outputDone.set("item", item.deepCopy());
        out.send(outputDone);
    }

    /** Ends the response early; open items close as {@code incomplete}. Runs on the session executor. */
    void cancel(String reason) {
        if (finished) {
            return;
        }
        steps.clear();
        if (itemOpen) {
            if ("message".equals(item.get("type").asString())) {
                closeMessage("incomplete");
            } else {
                closeToolCall("incomplete");
            }
        }
        finish("cancelled", out.object().put("type", "cancelled").put("reason", reason));
    }

    private void finish(String status, ObjectNode statusDetails) {
        if (finished) {
            return;
        }
        finished = true;
        response.put("status", status);
        response.set("status_details", statusDetails);
        ArrayNode output = response.putArray("output");
        if (item != null) {
            output.add(item.deepCopy());
        }
        response.set("usage", usage());
        ObjectNode done = out.event("response.done");
        done.set("response", response);
        out.send(done);
        onDone.accept(this);
    }

    private ObjectNode usage() {
        int outputText = Math.max(1, (said.length() + arguments.length() + 3) / 4);
        int outputAudio = audioOut.size() / SpeechSynthesizer.BYTES_PER_MS / 50;
        int input = inputTextTokens + inputAudioTokens;
        ObjectNode usage = out.object();
        usage.put("total_tokens", input + outputText + outputAudio);
        usage.put("input_tokens", input);
        usage.put("output_tokens", outputText + outputAudio);
        ObjectNode inputDetails = usage.putObject("input_token_details");
        inputDetails.put("text_tokens", inputTextTokens);
        inputDetails.put("audio_tokens", inputAudioTokens);
        inputDetails.put("image_tokens", 0);
        inputDetails.put("cached_tokens", 0);
        inputDetails.putObject("cached_tokens_details").put("text_tokens", 0).put("audio_tokens", 0).put("image_tokens", 0);
        usage.putObject("output_token_details").put("text_tokens", outputText).put("audio_tokens", outputAudio);
        return usage;
    }

    private ObjectNode itemEvent(String type) {
        ObjectNode event = out.event(type);
        event.put("response_id", id());
        event.put("item_id", item.get("id").asString());
        event.put("output_index", 0);
        return event;
    }

    private ObjectNode partEvent(String type) {
        ObjectNode event = itemEvent(type);
        event.put("content_index", 0);
        return event;
    }

    static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        for (String sentence : text.strip().split("(?<=[.!?…])\\s+")) {
            if (!sentence.isBlank()) {
                sentences.add(sentence.strip());
            }
        }
        if (sentences.isEmpty()) {
            sentences.add(text.strip());
        }
        return sentences;
    }

    private static List<String> wordGroups(String text) {
        List<String> groups = new ArrayList<>();
        String[] words = text.split("(?<= )");
        StringBuilder group = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            group.append(words[i]);
            if ((i + 1) % WORDS_PER_DELTA == 0 || i == words.length - 1) {
                groups.add(group.toString());
                group.setLength(0);
            }
        }
        return groups;
    }
}
