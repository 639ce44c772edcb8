package dev.agentmesh.emulator.transcription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.agentmesh.emulator.audio.SpeechSynthesizer;

/**
 * The recogniser on the emulator's own voice, through what a browser does to captured audio: simulated
 * ({@link #CAPTURE}) and real (headless Chromium with echo cancellation, noise suppression and auto gain on,
 * recorded by {@code src/test/browser/capture.mjs} into {@code src/test/resources/chromium-captures}). Thresholds
 * were chosen on {@link #TUNING_KNOWN} / {@link #TUNING_UNKNOWN}; {@link #EVALUATION_KNOWN} /
 * {@link #EVALUATION_UNKNOWN} were not used to choose them, and their error counts are what the README reports.
 */
class PhraseRecognizerTests {

    private static final Logger log = LoggerFactory.getLogger(PhraseRecognizerTests.class);
    private static final SpeechSynthesizer VOICE = SpeechSynthesizer.bestAvailable();

    static final List<String> TUNING_KNOWN = List.of("I live in Lyon.",
            "What's the weather in Paris and any news about France?", "What's the weather like today?",
            "My name is Ana.", "I follow Formula 1.");
    static final List<String> TUNING_UNKNOWN = List.of("I live in Leeds.", "What's the weather in Berlin?",
            "I like Lyon.", "What's the news today?", "Tell me a joke.", "Thank you.", "I follow football.",
            "What's the weather like tomorrow?");
    static final List<String> EVALUATION_KNOWN = List.of("How can I help you today?",
            "I can look up the weather and the news for you.", "Is there anything else I can help you with?",
            "Paris is 18 degrees with light rain.", "The news agent timed out.", "Will it rain in Lisbon tomorrow?",
            "I live in Berlin.", "My favourite team is Ferrari.", "Please remind me to call my mother.",
            "What time is it in Tokyo?");
    static final List<String> EVALUATION_UNKNOWN = List.of("I live in Bern.", "Paris is 12 degrees and sunny.",
            "Will it snow in Lisbon tomorrow?", "The weather agent timed out.", "How can I help you now?",
            "My favourite team is McLaren.", "Please remind me to call my father.", "What time is it in Sydney?",
            "Good morning!", "Can you book a table for two?");

    /** What a browser may do to the audio; each known and unknown phrase goes through each of these. */
    static final Map<String, UnaryOperator<CapturePath>> CAPTURE = new LinkedHashMap<>();

    static {
        CAPTURE.put("as synthesised", path -> path);
        CAPTURE.put("48 kHz round trip", CapturePath::throughA48kHzBrowser);
        CAPTURE.put("round trip, -12 dB, 700/900 ms silence",
                path -> path.throughA48kHzBrowser().gain(0.25).silence(700, 900));
        CAPTURE.put("round trip, +8 dB (clipping), 300 ms silence",
                path -> path.throughA48kHzBrowser().gain(2.5).silence(300, 300));
        CAPTURE.put("round trip, 500 ms silence, noise at 30 dB SNR",
                path -> path.throughA48kHzBrowser().silence(500, 500).noiseAtSnr(30, 7));
        CAPTURE.put("round trip, 400/600 ms silence, noise at 25 dB SNR",
                path -> path.throughA48kHzBrowser().silence(400, 600).noiseAtSnr(25, 8));
        // automatic gain control moves the level by a few dB per second; this swings 9 dB every 1.5 s
        CAPTURE.put("round trip, silence, gain drifting -6..+3 dB, noise at 35 dB SNR",
                path -> path.throughA48kHzBrowser().silence(400, 600).driftingGain(0.5, 1.4, 3).noiseAtSnr(35, 9));
    }

    private static final List<String> report = new ArrayList<>();

    @AfterAll
    static void logReport() {
        report.forEach(log::info);
    }

    @Test
    void thresholdsSeparateTheTuningPhrasesWithRoomToSpare() {
        PhraseRecognizer recognizer = recognizerKnowing(TUNING_KNOWN);
        double same = 0;
        double other = Double.POSITIVE_INFINITY;
        String hardestSame = "";
        String closestOther = "";
        for (String phrase : concat(TUNING_KNOWN, TUNING_UNKNOWN)) {
            for (var capture : captures(phrase).entrySet()) {
                for (var entry : recognizer.alignments(capture.getValue()).entrySet()) {
                    double score = PhraseRecognizer.score(entry.getValue());
                    String what = phrase + " ~ " + entry.getKey() + " [" + capture.getKey() + "] " + entry.getValue();
                    if (entry.getKey().equals(phrase) && score > same) {
                        same = score;
                        hardestSame = what;
                    } else if (!entry.getKey().equals(phrase) && score < other) {
                        other = score;
                        closestOther = what;
                    }
                }
            }
        }
        report.add(String.format("tuning set: hardest match at score %.2f (%s); closest other phrase at %.2f (%s)",
                same, hardestSame, other, closestOther));

        assertThat(same).as("hardest match: %s", hardestSame).isLessThan(0.92);
        assertThat(other).as("closest other phrase: %s", closestOther).isGreaterThan(1.08);
    }

    @Test
    void evaluationPhrasesAreMostlyRecognisedThroughTheBrowserAndOthersNever() {
        PhraseRecognizer recognizer = recognizerKnowing(EVALUATION_KNOWN);
        int trials = 0;
        int falseRejects = 0;
        int chromiumFalseRejects = 0;
        int falseAccepts = 0;
        List<String> errors = new ArrayList<>();
        double sameMean = 0;
        double otherMean = Double.POSITIVE_INFINITY;
        String hardestSame = "";
        String closestOther = "";
        for (String phrase : concat(EVALUATION_KNOWN, EVALUATION_UNKNOWN)) {
            boolean known = EVALUATION_KNOWN.contains(phrase);
            for (var capture : captures(phrase).entrySet()) {
                trials++;
                byte[] captured = capture.getValue();
                for (var entry : recognizer.alignments(captured).entrySet()) {
                    double score = PhraseRecognizer.score(entry.getValue());
                    if (entry.getKey().equals(phrase) && score > sameMean) {
                        sameMean = score;
                        hardestSame = phrase + " [" + capture.getKey() + "] " + entry.getValue();
                    } else if (!entry.getKey().equals(phrase) && score < otherMean) {
                        otherMean = score;
                        closestOther = phrase + " ~ " + entry.getKey() + " [" + capture.getKey() + "] " + entry.getValue();
                    }
                }
                PhraseRecognizer.Result result = recognizer.recognize(captured);
                boolean right = result instanceof PhraseRecognizer.Recognized recognized
                        ? known && recognized.transcript().equals(phrase)
                        : !known;
                if (!right) {
                    if (result instanceof PhraseRecognizer.Recognized) {
                        falseAccepts++;
                    } else {
                        falseRejects++;
                        chromiumFalseRejects += capture.getKey().startsWith("Chromium") ? 1 : 0;
                    }
                    errors.add(phrase + " [" + capture.getKey() + "] -> " + result);
                }
            }
        }
        for (long seed = 0; seed < 10; seed++) {
            trials++;
            if (recognizer.recognize(CapturePath.randomNoise(2000, -30 - 2 * seed, seed)).getClass() != PhraseRecognizer.NotRecognized.class) {
                falseAccepts++;
                errors.add("noise " + seed);
            }
        }
        report.add(String.format("evaluation set: %d trials (%d known phrases, %d unknown, %d simulated captures and "
                + "one Chromium capture each, 10 noise clips): %d false accepts, %d false rejects %s; hardest match at "
                + "score %.2f: %s; closest other phrase at %.2f: %s", trials, EVALUATION_KNOWN.size(),
                EVALUATION_UNKNOWN.size(), CAPTURE.size(), falseAccepts, falseRejects, errors, sameMean, hardestSame,
                otherMean, closestOther));

        assertThat(falseAccepts).as("false accepts: %s", errors).isZero();
        assertThat(falseRejects - chromiumFalseRejects).as("false rejects of simulated captures: %s", errors).isZero();
        // measured: 2 of the 10 known phrases as Chromium's noise suppression left them are not recognised
        assertThat(chromiumFalseRejects).as("false rejects of Chromium captures: %s", errors).isLessThanOrEqualTo(2);
    }

    /** The phrase through every simulated capture, and as Chromium captured it. */
    private static Map<String, byte[]> captures(String phrase) {
        Map<String, byte[]> captures = new LinkedHashMap<>();
        byte[] clean = VOICE.synthesize(phrase);
        CAPTURE.forEach((name, capture) -> captures.put(name, capture.apply(CapturePath.of(clean)).pcm()));
        captures.put("Chromium, echo cancellation + noise suppression + auto gain", chromiumCapture(phrase));
        return captures;
    }

    static byte[] chromiumCapture(String phrase) {
        String resource = "/chromium-captures/" + phrase.replaceAll("[^A-Za-z0-9]+", "_") + ".pcm.gz";
        try (var in = PhraseRecognizerTests.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource + " (record it with src/test/browser/capture.mjs)");
            }
            return new java.util.zip.GZIPInputStream(in).readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static PhraseRecognizer recognizerKnowing(List<String> phrases) {
        PhraseRecognizer recognizer = new PhraseRecognizer(100);
        phrases.forEach(phrase -> recognizer.learn(phrase, VOICE.synthesize(phrase), true));
        return recognizer;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
