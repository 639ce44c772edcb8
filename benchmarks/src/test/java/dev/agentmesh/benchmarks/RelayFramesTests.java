package dev.agentmesh.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class RelayFramesTests {

    @Test
    void theMaskedAppendDecodesAsTheAppendEventAServerReceives() {
        // a server's decoder expects masked client frames, as the gateway's does
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 1 << 20));

        server.writeInbound(Unpooled.wrappedBuffer(RelayFrames.maskedAppend(0x12345678)));

        TextWebSocketFrame frame = server.readInbound();
        assertThat(frame.isFinalFragment()).isTrue();
        assertThat(frame.text()).isEqualTo(RealtimeLoad.APPEND);
        assertThat(RelayFrames.isAppend(frame.content())).isTrue();
        frame.release();
    }

    @Test
    void aStampWrittenIntoTheDeltaTemplateIsReadBackFromTheDecodedFrame() {
        byte[] template = RelayFrames.deltaTemplate();
        ByteBuf delta = Unpooled.buffer().writeBytes(template);
        RelayFrames.writeStamp(delta, RelayFrames.stampAt(template), 1_234_567_890_123L);
        // a client's decoder expects unmasked server frames
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));

        client.writeInbound(delta);

        TextWebSocketFrame frame = client.readInbound();
        assertThat(frame.text()).isEqualTo(RelayFrames.deltaJson("00000001234567890123"));
        assertThat(RelayFrames.kind(frame.content())).isEqualTo(RelayFrames.Kind.DELTA);
        assertThat(RelayFrames.stamp(frame.content())).isEqualTo(1_234_567_890_123L);
        frame.release();
    }

    @Test
    void negativeAndLargestStampsKeepTheFrameLengthAndReadBack() {
        byte[] template = RelayFrames.deltaTemplate();
        for (long stamp : new long[] {-42L, Long.MAX_VALUE, 0L}) {
            ByteBuf delta = Unpooled.buffer().writeBytes(template);
            RelayFrames.writeStamp(delta, RelayFrames.stampAt(template), stamp);

            assertThat(delta.readableBytes()).isEqualTo(template.length);
            ByteBuf payload = delta.slice(4, delta.readableBytes() - 4);
            assertThat(RelayFrames.stamp(payload)).isEqualTo(stamp);
        }
    }

    @Test
    void theTomcatUpstreamsUnpaddedStampReadsTheSame() {
        ByteBuf text = utf8("{\"type\":\"response.output_audio.delta\",\"event_id\":\"bench_987654321\",\"delta\":\"AA\"}");

        assertThat(RelayFrames.kind(text)).isEqualTo(RelayFrames.Kind.DELTA);
        assertThat(RelayFrames.stamp(text)).isEqualTo(987_654_321L);
    }

    @Test
    void tellsFallingBehindFromOtherErrorsAndFromOtherEvents() {
        assertThat(RelayFrames.kind(utf8("{\"type\":\"error\",\"error\":{\"type\":\"server_error\","
                + "\"code\":\"falling_behind\",\"message\":\"behind\"}}"))).isEqualTo(RelayFrames.Kind.FALLING_BEHIND);
        assertThat(RelayFrames.kind(utf8("{\"type\":\"error\",\"error\":{\"code\":\"rate_limited\"}}")))
                .isEqualTo(RelayFrames.Kind.ERROR);
        assertThat(RelayFrames.kind(utf8("{\"type\":\"session.created\",\"event_id\":\"evt_created\"}")))
                .isEqualTo(RelayFrames.Kind.OTHER);
        // a stamp-like id on another event is not a delta
        assertThat(RelayFrames.kind(utf8("{\"type\":\"response.done\",\"event_id\":\"bench_12\"}")))
                .isEqualTo(RelayFrames.Kind.OTHER);
    }

    @Test
    void searchesOnlyTheReadableBytes() {
        ByteBuf text = utf8("xx\"input_audio_buffer.append\"");
        text.readerIndex(3);

        assertThat(RelayFrames.isAppend(text)).isFalse();
        assertThat(RelayFrames.indexOf(utf8("abcabd"), "abd".getBytes(StandardCharsets.US_ASCII))).isEqualTo(3);
        assertThat(RelayFrames.indexOf(utf8("ab"), "abd".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }
}
