package io.swarmnet.vxlan.vtep;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.swarmnet.packet.testing.Frames;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FlowHashTest {

    @Test
    void givesOneFlowOneHashAndSpreadsPortsOverChoices() {
        byte[] syn = Frames.TCP_SYN.clone();
        int first = FlowHash.of(Unpooled.wrappedBuffer(syn), 0, syn.length);
        assertThat(FlowHash.of(Unpooled.wrappedBuffer(syn.clone()), 0, syn.length)).isEqualTo(first);
        Set<Integer> choices = new HashSet<>();
        for (int port = 40000; port < 40256; port++) {
            syn[34] = (byte) (port >>> 8);
            syn[35] = (byte) port;
            choices.add(FlowHash.choose(FlowHash.of(Unpooled.wrappedBuffer(syn), 0, syn.length), 8));
        }
        assertThat(choices).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void keepsFragmentsOfOneDatagramTogether() {
        byte[] first = Frames.TCP_SYN.clone();
        first[20] = 0x20; // MF
        byte[] later = Frames.TCP_SYN.clone();
        later[21] = 0x10; // offset 16: no ports in it
        later[34] ^= 0x55;
        assertThat(FlowHash.of(Unpooled.wrappedBuffer(later), 0, later.length))
                .isEqualTo(FlowHash.of(Unpooled.wrappedBuffer(first), 0, first.length));
    }

    @Test
    void hashesNonIpFramesByTheirMacs() {
        byte[] arp = Frames.ARP_REQUEST;
        assertThat(FlowHash.of(Unpooled.wrappedBuffer(arp), 0, arp.length))
                .isEqualTo(FlowHash.of(Unpooled.wrappedBuffer(arp.clone()), 0, arp.length));
    }

    @Test
    void reliesOnInet4AddressHashingToItsAddress() throws Exception {
        // The UDP handler reads a sender's address this way to spare a byte[] per datagram.
        assertThat(InetAddress.getByName("192.0.2.12").hashCode()).isEqualTo(0xC000020C);
        assertThat(InetAddress.getByName("203.0.113.9").hashCode()).isEqualTo(0xCB007109);
    }
}
