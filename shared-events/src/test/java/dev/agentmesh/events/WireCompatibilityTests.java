package dev.agentmesh.events;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records already on the topics stay readable and are written back byte for byte. The files in
 * {@code src/test/resources/wire} are what the codec wrote before the events shared one {@link TaskHeader} (one per
 * golden file, read and re-encoded by that code, commit 4a34cd9): a change to the records' shape that moves, renames,
 * nests or drops a field fails here.
 */
class WireCompatibilityTests {

    static List<String> recordsWrittenByEarlierCode() throws IOException, URISyntaxException {
        Path folder = Path.of(WireCompatibilityTests.class.getResource("/wire").toURI());
        try (var files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("recordsWrittenByEarlierCode")
    void readsARecordWrittenByEarlierCodeAndWritesItBackIdentically(String file) {
        byte[] written = wire(file);

        byte[] rewritten = EventCodec.encode(EventCodec.decode(written));

        assertThat(new String(rewritten, StandardCharsets.UTF_8)).isEqualTo(new String(written, StandardCharsets.UTF_8));
    }

    private static byte[] wire(String file) {
        try (var in = WireCompatibilityTests.class.getResourceAsStream("/wire/" + file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
