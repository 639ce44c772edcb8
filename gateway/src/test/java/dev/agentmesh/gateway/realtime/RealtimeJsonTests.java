package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Server events are typed from their leading name without a parser, and by the parser whenever that is unsure. */
class RealtimeJsonTests {

    @Test
    void readsTheLeadingTypeOfAServerEvent() {
        assertThat(RealtimeJson.typeOf("{\"type\":\"response.output_audio.delta\",\"delta\":\"AAAA\"}"))
                .isEqualTo("response.output_audio.delta");
        assertThat(RealtimeJson.typeOf(" {\n  \"type\" : \"response.done\", \"response\":{}}")).isEqualTo("response.done");
    }

    @Test
    void asksTheParserWhenTheTypeIsNotFirstOrIsEscaped() {
        assertThat(RealtimeJson.typeOf("{\"event_id\":\"e1\",\"type\":\"response.done\"}")).isEqualTo("response.done");
        assertThat(RealtimeJson.typeOf("{\"type\":\"response.d\\u006fne\"}")).isEqualTo("response.done");
        assertThat(RealtimeJson.typeOf("{\"item\":{\"type\":\"function_call\"},\"type\":\"conversation.item.added\"}"))
                .isEqualTo("conversation.item.added");
    }

    @Test
    void takesTheFirstOfTwoTypesEitherWay() {
        assertThat(RealtimeJson.typeOf("{\"type\":\"response.output_audio.delta\",\"type\":\"response.done\"}"))
                .isEqualTo("response.output_audio.delta");
        assertThat(RealtimeJson.typeOf("{\"n\":1,\"type\":\"response.output_audio.delta\",\"type\":\"response.done\"}"))
                .isEqualTo("response.output_audio.delta");
    }

    @Test
    void hasNoTypeForWhatIsNotAnObjectWithAStringType() {
        assertThat(RealtimeJson.typeOf("[1,2]")).isNull();
        assertThat(RealtimeJson.typeOf("{\"type\":3}")).isNull();
        assertThat(RealtimeJson.typeOf("not json")).isNull();
        assertThat(RealtimeJson.typeOf("")).isNull();
    }
}
