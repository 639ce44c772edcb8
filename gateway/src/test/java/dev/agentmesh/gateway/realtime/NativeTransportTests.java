package dev.agentmesh.gateway.realtime;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import reactor.netty.ReactorNetty;
import reactor.netty.resources.LoopResources;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Linux x86_64 (the machines and images this project ships for) the gateway runs on Netty's native epoll
 * transport. Without its native library Reactor Netty falls back to NIO without a word, slower under load: this
 * catches a lost or mismatched native jar (netty.version in the root pom).
 */
class NativeTransportTests {

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void epollLoadsOnLinuxX86() {
        assertThat(Epoll.isAvailable()).as("epoll unavailable: %s", Epoll.unavailabilityCause()).isTrue();
        assertThat(LoopResources.hasNativeSupport()).isTrue();
        assertThat(RelayTransport.transport()).isEqualTo("epoll");
        assertThat(RelayTransport.describe()).startsWith("epoll, ");
    }

    @Test
    void oneEventLoopPerCoreUnlessACountIsGiven() {
        Properties unset = new Properties();
        RelayTransport.oneLoopPerCore(unset, 1);
        assertThat(unset.getProperty(ReactorNetty.IO_WORKER_COUNT)).isEqualTo("1");

        Properties given = new Properties();
        given.setProperty(ReactorNetty.IO_WORKER_COUNT, "4");
        RelayTransport.oneLoopPerCore(given, 2);
        assertThat(given.getProperty(ReactorNetty.IO_WORKER_COUNT)).isEqualTo("4");
    }
}
