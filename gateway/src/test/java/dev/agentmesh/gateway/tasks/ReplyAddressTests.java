package dev.agentmesh.gateway.tasks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyAddressTests {

    @Test
    void aConfiguredPartitionWinsOverTheHostName() {
        assertThat(ReplyAddress.partitionFor(4, "gateway-1")).isEqualTo(4);
    }

    @Test
    void aStatefulSetPodReadsThePartitionOfItsOrdinal() {
        assertThat(ReplyAddress.partitionFor(null, "gateway-0")).isZero();
        assertThat(ReplyAddress.partitionFor(null, "gateway-3")).isEqualTo(3);
        assertThat(ReplyAddress.partitionFor(null, "agent-mesh-gateway-11")).isEqualTo(11);
    }

    @Test
    void aHostNameWithoutAnOrdinalReadsPartitionZero() {
        assertThat(ReplyAddress.partitionFor(null, null)).isZero();
        assertThat(ReplyAddress.partitionFor(null, "vm")).isZero();
        assertThat(ReplyAddress.partitionFor(null, "3f2a9c1b0d4e")).as("a container id").isZero();
        assertThat(ReplyAddress.partitionFor(null, "gateway-07")).as("not an ordinal").isZero();
        assertThat(ReplyAddress.partitionFor(null, "gateway-5d8f9-24567")).as("a Deployment's pod hash").isZero();
    }

    @Test
    void aNegativePartitionIsRefusedWithTheVariableToChange() {
        assertThatThrownBy(() -> new ReplyAddress("gateway-a", -1)).hasMessageContaining("GATEWAY_REPLY_PARTITION");
    }
}
