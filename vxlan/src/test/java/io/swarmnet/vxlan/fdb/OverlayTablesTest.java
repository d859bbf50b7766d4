package io.swarmnet.vxlan.fdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import org.junit.jupiter.api.Test;

class OverlayTablesTest {
    static final int VNI = 4096;
    static final int PEER = Ipv4Address.parse("192.0.2.12");
    static final int HIGH_PEER = Ipv4Address.parse("203.0.113.9");
    static final long MAC_A = MacAddress.parse("02:42:0a:00:00:02");
    static final long MAC_B = MacAddress.parse("02:42:0a:00:00:03");

    private static OverlayTables.Builder base() {
        return OverlayTables.builder(7).peer(PEER).network(VNI, 1350);
    }

    @Test
    void looksUpEveryKindOfEntry() {
        OverlayTables tables = base()
                .localPort(VNI, MAC_A, 3)
                .remote(VNI, MAC_B, PEER)
                .arp(VNI, Ipv4Address.parse("10.0.0.3"), MAC_B)
                .build();
        NetworkTable net = tables.network(VNI);
        assertThat(tables.version()).isEqualTo(7);
        assertThat(net.mtu()).isEqualTo(1350);
        assertThat(net.localPort(MAC_A)).isEqualTo(3);
        assertThat(net.remoteVtep(MAC_B)).isEqualTo(PEER);
        assertThat(net.arpMac(Ipv4Address.parse("10.0.0.3"))).isEqualTo(MAC_B);
        assertThat(net.remoteVteps()).containsExactly(PEER);
        assertThat(tables.isPeer(PEER)).isTrue();
    }

    @Test
    void answersMissesWithSentinels() {
        OverlayTables tables = base().build();
        NetworkTable net = tables.network(VNI);
        assertThat(net.localPort(MAC_A)).isEqualTo(NetworkTable.NO_PORT);
        assertThat(net.remoteVtep(MAC_A)).isEqualTo(NetworkTable.NO_VTEP);
        assertThat(net.arpMac(Ipv4Address.parse("10.0.0.9"))).isEqualTo(NetworkTable.NO_MAC);
        assertThat(tables.network(4097)).isNull();
        assertThat(tables.isPeer(Ipv4Address.parse("192.0.2.66"))).isFalse();
        assertThat(OverlayTables.EMPTY.networks()).isEmpty();
        assertThat(OverlayTables.EMPTY.isPeer(PEER)).isFalse();
    }

    @Test
    void handlesAddressesWithTheHighBitSet() {
        OverlayTables tables = OverlayTables.builder(1).peer(HIGH_PEER).peer(PEER).network(VNI, 1350)
                .remote(VNI, MAC_B, HIGH_PEER)
                .arp(VNI, Ipv4Address.parse("172.18.0.200"), MAC_B)
                .build();
        assertThat(tables.isPeer(HIGH_PEER)).isTrue();
        assertThat(tables.peers()).containsExactly(PEER, HIGH_PEER);
        assertThat(tables.network(VNI).remoteVtep(MAC_B)).isEqualTo(HIGH_PEER);
        assertThat(tables.network(VNI).arpMac(Ipv4Address.parse("172.18.0.200"))).isEqualTo(MAC_B);
    }

    @Test
    void holdsThousandsOfEntries() {
        OverlayTables.Builder builder = base();
        for (int i = 1; i <= 5000; i++) {
            builder.remote(VNI, MacAddress.fromIpv4(0x0a000000 + i), PEER);
            builder.arp(VNI, 0x0a000000 + i, MacAddress.fromIpv4(0x0a000000 + i));
        }
        NetworkTable net = builder.build().network(VNI);
        assertThat(net.remoteMacCount()).isEqualTo(5000);
        for (int i = 1; i <= 5000; i++) {
            assertThat(net.remoteVtep(MacAddress.fromIpv4(0x0a000000 + i))).isEqualTo(PEER);
            assertThat(net.arpMac(0x0a000000 + i)).isEqualTo(MacAddress.fromIpv4(0x0a000000 + i));
        }
        assertThat(net.remoteVtep(MacAddress.fromIpv4(0x0a000000 + 5001))).isEqualTo(NetworkTable.NO_VTEP);
    }

    @Test
    void acceptsTheSameEntryTwice() {
        NetworkTable net = base().localPort(VNI, MAC_A, 3).localPort(VNI, MAC_A, 3).build().network(VNI);
        assertThat(net.localPortCount()).isEqualTo(1);
    }

    @Test
    void refusesConflictingEntries() {
        assertThatThrownBy(() -> base().localPort(VNI, MAC_A, 3).localPort(VNI, MAC_A, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two ports");
        assertThatThrownBy(() -> base().localPort(VNI, MAC_A, 3).remote(VNI, MAC_A, PEER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both local and remote");
        assertThatThrownBy(() -> base().arp(VNI, 0x0a000002, MAC_A).arp(VNI, 0x0a000002, MAC_B))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two MACs");
        assertThatThrownBy(() -> base().network(VNI, 1400))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MTU");
    }

    @Test
    void refusesARemoteMacBehindANodeThatIsNotAPeer() {
        assertThatThrownBy(() -> base().remote(VNI, MAC_B, HIGH_PEER).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a peer");
    }

    @Test
    void refusesMalformedValues() {
        assertThatThrownBy(() -> base().network(1 << 24, 1350)).hasMessageContaining("24-bit");
        assertThatThrownBy(() -> base().network(5, 40)).hasMessageContaining("MTU");
        assertThatThrownBy(() -> base().localPort(4097, MAC_A, 1)).hasMessageContaining("not added");
        assertThatThrownBy(() -> base().localPort(VNI, MacAddress.BROADCAST, 1)).hasMessageContaining("unicast MAC");
        assertThatThrownBy(() -> base().localPort(VNI, 0x01005e000001L, 1)).hasMessageContaining("unicast MAC");
        assertThatThrownBy(() -> base().localPort(VNI, MAC_A, -1)).hasMessageContaining("port id");
        assertThatThrownBy(() -> base().peer(Ipv4Address.parse("224.0.0.1"))).hasMessageContaining("unicast");
        assertThatThrownBy(() -> base().peer(0)).hasMessageContaining("unicast");
        assertThatThrownBy(() -> OverlayTables.builder(-1)).hasMessageContaining("version");
    }
}
