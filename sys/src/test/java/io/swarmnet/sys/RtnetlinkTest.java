package io.swarmnet.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.sys.testing.TestNamespace;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Links, addresses and routes on the real kernel, inside two namespaces the test makes. */
@Tag("privileged")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RtnetlinkTest {
    private static final int GW_NET = 0xac120000;
    private static final int GW_ADDR = 0xac120002;
    private static final int GW_ROUTER = 0xac120001;

    private TestNamespace a;
    private TestNamespace b;
    private Rtnetlink rtnl;

    @BeforeEach
    void create() throws IOException {
        a = TestNamespace.create("sys");
        b = TestNamespace.create("sys");
        rtnl = Rtnetlink.open(a.netns());
    }

    @AfterEach
    void remove() throws IOException {
        try {
            rtnl.close();
        } finally {
            try {
                a.close();
            } finally {
                b.close();
            }
        }
    }

    private Map<String, Link> links() throws IOException {
        return rtnl.links().stream().collect(Collectors.toMap(Link::name, Function.identity()));
    }

    @Test
    void vethPeerIsCreatedDirectlyInTheOtherNamespace() throws IOException {
        rtnl.addVeth("va", "vb", b.netns());

        assertThat(links()).containsKey("va").doesNotContainKey("vb");
        assertThat(links().get("va").kind()).isEqualTo("veth");
        assertThat(b.ip("-d", "link", "show", "dev", "vb")).contains("veth");
        try (Rtnetlink inB = Rtnetlink.open(b.netns())) {
            assertThat(inB.link("vb").orElseThrow().kind()).isEqualTo("veth");
        }
    }

    @Test
    void vethPeerIsBornWithTheAddressAskedFor() throws IOException {
        rtnl.addVeth("va", "eth1", b.netns(), 0x0242ac120002L);

        try (Rtnetlink inB = Rtnetlink.open(b.netns())) {
            assertThat(inB.link("eth1").orElseThrow().mac()).isEqualTo(0x0242ac120002L);
        }
        assertThatThrownBy(() -> rtnl.addVeth("vc", "vd", null, 1L << 48))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vethWithoutPeerNamespaceHasBothEndsHere() throws IOException {
        rtnl.addVeth("v0", "v1", null);

        assertThat(links()).containsKeys("v0", "v1");
        assertThat(rtnl.deleteLink("v0")).isTrue();
        assertThat(links()).doesNotContainKeys("v0", "v1");
    }

    @Test
    void portJoinsAndLeavesABridge() throws IOException {
        rtnl.addBridge("br0");
        rtnl.addVeth("vp", "vq", null);
        rtnl.setMaster("vp", "br0");

        Map<String, Link> links = links();
        assertThat(links.get("br0").kind()).isEqualTo("bridge");
        assertThat(links.get("vp").masterIndex()).isEqualTo(links.get("br0").index());
        assertThat(a.ip("link", "show", "dev", "vp")).contains("master br0");

        rtnl.clearMaster("vp");
        assertThat(rtnl.link("vp").orElseThrow().masterIndex()).isZero();
    }

    @Test
    void secondBridgeOfTheSameNameIsAlreadyExists() throws IOException {
        rtnl.addBridge("br0");

        assertThatThrownBy(() -> rtnl.addBridge("br0"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAlreadyExists()).isTrue())
                .hasMessageContaining("RTM_NEWLINK br0 type bridge: EEXIST");
    }

    @Test
    void linkUpDownMtuMacAndRenameReachTheKernel() throws IOException {
        rtnl.addVeth("vx", "vy", null);
        rtnl.setMtu("vx", 1450);
        rtnl.setMac("vx", 0x02420a000003L);
        rtnl.rename("vx", "eth1");
        rtnl.setLinkUp("eth1");

        assertThat(a.ip("link", "show", "dev", "eth1")).contains("mtu 1450").contains(",UP")
                .contains("link/ether 02:42:0a:00:00:03");
        Link link = rtnl.link("eth1").orElseThrow();
        assertThat(link.isUp()).isTrue();
        assertThat(link.mtu()).isEqualTo(1450);
        assertThat(link.mac()).isEqualTo(0x02420a000003L);

        rtnl.setLinkDown("eth1");
        assertThat(rtnl.link("eth1").orElseThrow().isUp()).isFalse();
    }

    @Test
    void linkMovesToAnotherNamespace() throws IOException {
        rtnl.addVeth("vm", "vn", null);
        rtnl.moveToNetns("vm", b.netns());

        assertThat(rtnl.link("vm")).isEmpty();
        assertThat(b.ip("link", "show", "dev", "vm")).contains("vm");
    }

    @Test
    void addressIsAddedOnceAndDeletingItTwiceSaysAbsent() throws IOException {
        rtnl.addBridge("br0");
        rtnl.addAddress("br0", GW_ADDR, 16);

        assertThat(a.ip("addr", "show", "dev", "br0")).contains("inet 172.18.0.2/16");
        assertThatThrownBy(() -> rtnl.addAddress("br0", GW_ADDR, 16))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAlreadyExists()).isTrue());
        assertThat(rtnl.deleteAddress("br0", GW_ADDR, 16)).isTrue();
        assertThat(rtnl.deleteAddress("br0", GW_ADDR, 16)).isFalse();
        assertThat(rtnl.deleteAddress("nosuchlink", GW_ADDR, 16)).isFalse();
        assertThat(a.ip("addr", "show", "dev", "br0")).doesNotContain("172.18.0.2");
    }

    @Test
    void addressesOfEveryLinkAreListed() throws IOException {
        rtnl.addBridge("br0");
        rtnl.addAddress("br0", GW_ADDR, 16);
        rtnl.setLinkUp("lo");
        int br0 = rtnl.linkIndex("br0");

        assertThat(rtnl.addresses()).containsExactlyInAnyOrder(
                new Ipv4LinkAddress(1, 0x7f000001, 8), new Ipv4LinkAddress(br0, GW_ADDR, 16));
    }

    @Test
    void bridgePortIsIsolatedAndReleased() throws IOException {
        rtnl.addBridge("br0");
        rtnl.addVeth("vp", "vq", null);
        rtnl.setMaster("vp", "br0");

        rtnl.setBridgePortIsolated("vp", true);
        rtnl.setBridgePortIsolated("vp", true);
        assertThat(a.ip("-d", "link", "show", "dev", "vp")).contains("isolated on");

        rtnl.setBridgePortIsolated("vp", false);
        assertThat(a.ip("-d", "link", "show", "dev", "vp")).contains("isolated off");
    }

    @Test
    void isolatingALinkThatIsNoBridgePortIsRefused() throws IOException {
        rtnl.addVeth("vp", "vq", null);

        assertThatThrownBy(() -> rtnl.setBridgePortIsolated("vp", true))
                .isInstanceOf(NativeIoException.class).hasMessageContaining("RTM_SETLINK vp isolated on");
        assertThatThrownBy(() -> rtnl.setBridgePortIsolated("nosuchlink", true))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue());
    }

    @Test
    void defaultRouteReplaceIsIdempotentAndDeleteSaysAbsentTheSecondTime() throws IOException {
        rtnl.addBridge("br0");
        rtnl.addAddress("br0", GW_ADDR, 16);
        rtnl.setLinkUp("br0");
        Ipv4Route route = Ipv4Route.defaultVia(GW_ROUTER);

        rtnl.replaceRoute(route);
        rtnl.replaceRoute(route);
        rtnl.replaceRoute(new Ipv4Route(0, 0, GW_ROUTER, "br0", false));

        List<String> defaults = a.ip("-4", "route", "show", "default").lines().collect(Collectors.toList());
        assertThat(defaults).containsExactly("default via 172.18.0.1 dev br0 ");
        assertThatThrownBy(() -> rtnl.addRoute(route))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAlreadyExists()).isTrue());
        assertThat(rtnl.deleteRoute(route)).isTrue();
        assertThat(rtnl.deleteRoute(route)).isFalse();
        assertThat(a.ip("-4", "route", "show", "default")).isEmpty();
    }

    @Test
    void onLinkAndDeviceRoutesAreProgrammed() throws IOException {
        rtnl.addBridge("br0");
        // The kernel judges an on-link gateway against the local table, which the first
        // address creates.
        rtnl.addAddress("br0", GW_ADDR, 16);
        rtnl.setLinkUp("br0");

        rtnl.replaceRoute(Ipv4Route.direct(0x0a090000, 16, "br0"));
        rtnl.addRoute(new Ipv4Route(0, 0, 0xc0a80001, "br0", true));

        assertThat(a.ip("-4", "route", "show"))
                .contains("10.9.0.0/16 dev br0 scope link")
                .contains("default via 192.168.0.1 dev br0 onlink");
        assertThat(rtnl.deleteRoute(Ipv4Route.direct(0x0a090000, 16, "br0"))).isTrue();
        assertThat(rtnl.deleteRoute(Ipv4Route.direct(0x0a090000, 16, "nosuchlink"))).isFalse();
    }

    @Test
    void unreachableGatewayIsRefusedWithTheKernelsReason() throws IOException {
        assertThatThrownBy(() -> rtnl.addRoute(Ipv4Route.defaultVia(GW_ROUTER)))
                .isInstanceOfSatisfying(NativeIoException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.ENETUNREACH))
                .hasMessageContaining("RTM_NEWROUTE default via 172.18.0.1");
    }

    @Test
    void unknownLinkIsAbsentEverywhere() throws IOException {
        assertThat(rtnl.link("nosuchlink")).isEmpty();
        assertThat(rtnl.deleteLink("nosuchlink")).isFalse();
        assertThatThrownBy(() -> rtnl.linkIndex("nosuchlink"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue())
                .hasMessageContaining("nosuchlink");
        assertThatThrownBy(() -> rtnl.setLinkUp("nosuchlink"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENODEV));
        assertThatThrownBy(() -> rtnl.addAddress("nosuchlink", GW_ADDR, 16))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue());
        assertThatThrownBy(() -> rtnl.setMaster("nosuchlink", "nosuchbridge"))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.isAbsent()).isTrue());
    }

    @Test
    void badValuesAreRefusedWithAClearReason() throws IOException {
        rtnl.addBridge("br0");

        assertThatThrownBy(() -> rtnl.setMtu("br0", 10))
                .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessageContaining("RTM_NEWLINK br0 mtu 10: EINVAL (Invalid argument): ")
                .hasMessageContaining("mtu less than device minimum");
        assertThatThrownBy(() -> rtnl.addBridge("a-name-too-long-x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 15");
        assertThatThrownBy(() -> rtnl.setMac("br0", 1L << 48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rtnl.addAddress("br0", GW_ADDR, 40)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closedSocketRefusesRequests() throws IOException {
        Rtnetlink other = Rtnetlink.open(b.netns());
        other.close();
        other.close();

        assertThatThrownBy(() -> other.links()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void listsTheLoopbackOfAFreshNamespace() throws IOException {
        Link lo = links().get("lo");

        assertThat(lo.index()).isEqualTo(1);
        assertThat(lo.kind()).isEmpty();
        assertThat(lo.mtu()).isEqualTo(65536);
    }
}
