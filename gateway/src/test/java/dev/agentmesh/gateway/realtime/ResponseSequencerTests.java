package dev.agentmesh.gateway.realtime;

import org.junit.jupiter.api.Test;

import static dev.agentmesh.gateway.realtime.ResponseSequencer.Action.NOTHING;
import static dev.agentmesh.gateway.realtime.ResponseSequencer.Action.SEND_CLIENT_CREATE;
import static dev.agentmesh.gateway.realtime.ResponseSequencer.Action.SEND_GATEWAY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

class ResponseSequencerTests {

    private final ResponseSequencer sequencer = new ResponseSequencer();

    @Test
    void theGatewayAsksAtOnceWhenNoResponseIsActive() {
        assertThat(sequencer.gatewayWantsResponse()).isEqualTo(SEND_GATEWAY_CREATE);
    }

    @Test
    void theGatewayWaitsForTheActiveResponseToFinish() {
        sequencer.responseCreated();

        assertThat(sequencer.gatewayWantsResponse()).isEqualTo(NOTHING);
        assertThat(sequencer.responseDone()).isEqualTo(SEND_GATEWAY_CREATE);
        assertThat(sequencer.responseDone()).isEqualTo(NOTHING);
    }

    @Test
    void theGatewayWaitsWhileAClientCreateIsOnItsWay() {
        assertThat(sequencer.clientMayCreate("{\"type\":\"response.create\"}")).isTrue();

        assertThat(sequencer.gatewayWantsResponse()).isEqualTo(NOTHING);
        sequencer.responseCreated();
        assertThat(sequencer.responseDone()).isEqualTo(SEND_GATEWAY_CREATE);
    }

    @Test
    void aClientCreateIsHeldBackWhileTheGatewaysResponseRunsAndSentAfterIt() {
        sequencer.gatewayWantsResponse();

        assertThat(sequencer.clientMayCreate("client-create")).isFalse();
        sequencer.responseCreated();
        assertThat(sequencer.responseDone()).isEqualTo(SEND_CLIENT_CREATE);
        assertThat(sequencer.takeDeferredClientCreate()).isEqualTo("client-create");
    }

    @Test
    void aRefusedGatewayCreateIsRetriedWhenTheResponseThatBlockedItIsDone() {
        sequencer.gatewayWantsResponse();
        sequencer.gatewayCreateRefused();
        sequencer.responseCreated();

        assertThat(sequencer.responseDone()).isEqualTo(SEND_GATEWAY_CREATE);
    }

    @Test
    void aClientCreateGoesStraightThroughWhenTheGatewayWantsNothing() {
        sequencer.responseCreated();

        assertThat(sequencer.clientMayCreate("second")).isTrue();
    }
}
