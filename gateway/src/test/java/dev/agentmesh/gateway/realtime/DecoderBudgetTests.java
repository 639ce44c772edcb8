package dev.agentmesh.gateway.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DecoderBudgetTests {

    private static final int MESSAGE_LIMIT = 16 * 1024 * 1024;

    private final AtomicInteger spent = new AtomicInteger();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aLargeFrameStillArrivingIsCountedAndGivenBackWhenItIsDecoded() {
        BufferBudget budget = new BufferBudget(4 * 1024 * 1024);
        DecoderBudget decoderBudget = socket(budget);
        byte[] frame = maskedTextFrame(1024 * 1024);

        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 512 * 1024));

        assertThat(budget.used()).isEqualTo(512 * 1024);
        assertThat((Object) channel.readInbound()).isNull();

        channel.writeInbound(Unpooled.wrappedBuffer(frame, 512 * 1024, frame.length - 512 * 1024));

        TextWebSocketFrame decoded = channel.readInbound();
        assertThat(decoded.content().readableBytes()).isEqualTo(1024 * 1024);
        decoded.release();
        assertThat(budget.used()).isZero();
        assertThat(decoderBudget.reserved()).isZero();
        assertThat(spent).hasValue(0);
    }

    @Test
    void smallFramesNeverTouchTheSharedBudget() {
        BufferBudget budget = new BufferBudget(1);   // any reservation at all would fail
        socket(budget);

        for (int i = 0; i < 100; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(maskedTextFrame(1_280)));
            TextWebSocketFrame decoded = channel.readInbound();
            decoded.release();
        }

        assertThat(spent).hasValue(0);
        assertThat(budget.used()).isZero();
    }

    @Test
    void pastTheBudgetTheSocketIsGivenUpAndNothingStaysReserved() {
        BufferBudget budget = new BufferBudget(1024 * 1024);
        socket(budget);
        byte[] frame = maskedTextFrame(8 * 1024 * 1024);   // within the message limit, over the budget

        for (int offset = 0; offset < 2 * 1024 * 1024; offset += 64 * 1024) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame, offset, 64 * 1024));
        }

        assertThat(spent).hasValue(1);
        assertThat(budget.used()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void aClosedSocketGivesBackWhatItsUnfinishedFrameHeld() {
        BufferBudget budget = new BufferBudget(4 * 1024 * 1024);
        socket(budget);
        byte[] frame = maskedTextFrame(1024 * 1024);
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 300 * 1024));
        assertThat(budget.used()).isEqualTo(300 * 1024);

        channel.close();

        assertThat(budget.used()).isZero();
    }

    private DecoderBudget socket(BufferBudget budget) {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("wsdecoder", new WebSocket08FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true).maxFramePayloadLength(MESSAGE_LIMIT).build()));
        DecoderBudget decoderBudget = new DecoderBudget(budget, spent::incrementAndGet);
        decoderBudget.installAround(channel, "wsdecoder");
        return decoderBudget;
    }

    /** A client's text frame (masked, as clients must send), its payload {@code length} ASCII letters. */
    private static byte[] maskedTextFrame(int length) {
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteBuf frame = Unpooled.buffer(length + 14);
        frame.writeByte(0x81);
        if (length < 126) {
            frame.writeByte(0x80 | length);
        } else if (length < 65_536) {
            frame.writeByte(0x80 | 126).writeShort(length);
        } else {
            frame.writeByte(0x80 | 127).writeLong(length);
        }
        frame.writeBytes(mask);
        for (int i = 0; i < length; i++) {
            frame.writeByte('A' ^ mask[i % 4]);
        }
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        return bytes;
    }
}
