package io.swarmnet.gwbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.sys.Ipv4LinkAddress;
import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GwBridge's decisions and its failures, against a fake kernel. */
class GwBridgeTest {
    private static final String BRIDGE = GwBridgeConfig.DEFAULT_BRIDGE;

    @TempDir
    Path dataDir;

    private final FakeGwBridgeKernel kernel = new FakeGwBridgeKernel();
    private final List<Netns> namespaces = new ArrayList<>();
    private GwBridgeConfig config;

    @BeforeEach
    void configure() {
        config = GwBridgeConfig.defaults(dataDir);
    }

    @AfterEach
    void closeNamespaces() throws IOException {
        for (Netns netns : namespaces) {
            netns.close();
        }
    }

    /** A distinct handle the fake treats as a namespace of its own. */
    private Netns task() throws IOException {
        Netns netns = Netns.current();
        namespaces.add(netns);
        return netns;
    }

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private GwBridge start(Set<String> wanted) throws IOException {
        return GwBridge.start(kernel, config, wanted);
    }

    @Test
    void startCreatesTheBridgeWithItsGatewayForwardingAndTheTable() throws IOException {
        start(Set.of());

        FakeGwBridgeKernel.FakeLink bridge = kernel.node.get(BRIDGE);
        assertThat(bridge.kind).isEqualTo("bridge");
        assertThat(bridge.up).isTrue();
        assertThat(bridge.mac).isEqualTo(0x0242ac120001L);
        assertThat(bridge.addresses).containsExactly(new Ipv4LinkAddress(bridge.index, ip("172.18.0.1"), 16));
        assertThat(kernel.forwarding).isTrue();
        assertThat(kernel.tables).containsEntry("ip swarmnet_gwbridge", GwBridgeTable.body(config));
    }

    @Test
    void attachGivesTasksTheLowestFreeAddressesAndAnIsolatedPort() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        Netns t2 = task();

        GwBridgeAttachment a = gw.attach(t1, "task-a");
        GwBridgeAttachment b = gw.attach(t2, "task-b");

        assertThat(a.address()).isEqualTo(ip("172.18.0.2"));
        assertThat(b.address()).isEqualTo(ip("172.18.0.3"));
        FakeGwBridgeKernel.FakeLink port = kernel.node.get(Naming.port("task-a"));
        assertThat(port.master).isEqualTo(BRIDGE);
        assertThat(port.isolated).isTrue();
        assertThat(port.up).isTrue();
        FakeGwBridgeKernel.FakeLink eth1 = kernel.task(t1).get("eth1");
        assertThat(eth1.mac).isEqualTo(0x0242ac120002L);
        assertThat(eth1.addresses).extracting(Ipv4LinkAddress::address).containsExactly(ip("172.18.0.2"));
        assertThat(eth1.defaultGateway).isEqualTo(ip("172.18.0.1"));
        assertThat(eth1.up).isTrue();
    }

    @Test
    void attachingAnAttachedTaskReturnsTheSameAttachmentAndCreatesNothing() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        GwBridgeAttachment first = gw.attach(t1, "task-a");
        kernel.changes.clear();

        assertThat(gw.attach(t1, "task-a")).isEqualTo(first);
        assertThat(kernel.changes).noneMatch(c -> c.startsWith("addVeth") || c.startsWith("deleteLink"));
    }

    @Test
    void detachFreesTheAddressAndDetachingTwiceIsNotAnError() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        gw.attach(t1, "task-a");
        gw.attach(task(), "task-b");

        assertThat(gw.detach("task-a")).isTrue();
        assertThat(gw.detach("task-a")).isFalse();
        assertThat(gw.detach("never-attached")).isFalse();

        assertThat(kernel.node).doesNotContainKey(Naming.port("task-a"));
        assertThat(kernel.task(t1)).doesNotContainKey("eth1");
        assertThat(gw.attach(task(), "task-c").address()).isEqualTo(ip("172.18.0.2"));
    }

    @Test
    void restartKeepsEveryTasksAddressAndRemovesNothing() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        Netns t2 = task();
        gw.attach(t1, "task-a");
        gw.attach(t2, "task-b");
        gw.detach("task-a");
        GwBridgeAttachment c = gw.attach(task(), "task-c");
        List<GwBridgeAttachment> before = gw.attachments();
        gw.close();
        kernel.closed = false;
        kernel.changes.clear();

        GwBridge again = start(Set.of("task-b", "task-c"));

        assertThat(again.attachments()).isEqualTo(before);
        assertThat(again.attachment("task-c")).contains(c);
        assertThat(kernel.changes).noneMatch(ch -> ch.startsWith("deleteLink") || ch.startsWith("addVeth")
                || ch.startsWith("addBridge"));
        assertThat(again.attach(t2, "task-b").address()).isEqualTo(ip("172.18.0.3"));
        assertThat(again.attach(task(), "task-d").address()).isEqualTo(ip("172.18.0.4"));
    }

    @Test
    void startPrunesPortsOfUnwantedTasksAndPortsNobodyOwns() throws IOException {
        GwBridge gw = start(Set.of());
        gw.attach(task(), "task-a");
        Netns tb = task();
        gw.attach(tb, "task-b");
        gw.close();
        kernel.closed = false;
        kernel.addNodeLink("gw0123456789", "veth");
        kernel.addNodeLink("gwnothex1234", "veth");
        kernel.addNodeLink("eth0", "veth");

        GwBridge again = start(Set.of("task-a"));

        assertThat(kernel.node).containsKeys(Naming.port("task-a"), "gwnothex1234", "eth0")
                .doesNotContainKeys(Naming.port("task-b"), "gw0123456789");
        assertThat(kernel.task(tb)).isEmpty();
        assertThat(again.attachments()).extracting(GwBridgeAttachment::taskId).containsExactly("task-a");
        assertThat(again.attach(task(), "task-e").address()).as("task-b's address is free")
                .isEqualTo(ip("172.18.0.3"));
    }

    @Test
    void reconcileAfterRestartForgetsATaskWhoseNamespaceWentWhileTheAgentWasDown() throws IOException {
        GwBridge gw = start(Set.of());
        Netns ta = task();
        gw.attach(ta, "task-a");
        gw.attach(task(), "task-b");
        gw.close();
        kernel.closed = false;
        // Deleting task-b's namespace destroyed both ends of its veth.
        kernel.node.remove(Naming.port("task-b"));

        GwBridge again = start(Set.of("task-a", "task-b"));
        again.attach(ta, "task-a");
        again.reconcile(Set.of("task-a"));

        assertThat(again.attachments()).extracting(GwBridgeAttachment::taskId).containsExactly("task-a");
        assertThat(Files.readString(config.stateFile())).contains("task-a").doesNotContain("task-b");
    }

    @Test
    void reconcileRepairsABridgeSomeoneDeletedAndReattachesItsPorts() throws IOException {
        GwBridge gw = start(Set.of());
        gw.attach(task(), "task-a");
        kernel.node.remove(BRIDGE);
        kernel.node.get(Naming.port("task-a")).master = null;
        kernel.tables.clear();

        gw.reconcile(Set.of("task-a"));

        assertThat(kernel.node.get(BRIDGE).addresses).hasSize(1);
        assertThat(kernel.node.get(Naming.port("task-a")).master).isEqualTo(BRIDGE);
        assertThat(kernel.tables).hasSize(1);
    }

    @Test
    void attachThatFailsHalfWayLeavesNoPortAndFreesTheAddress() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        kernel.failNext("configureTaskLink");

        assertThatThrownBy(() -> gw.attach(t1, "task-a")).hasMessageContaining("injected failure");

        assertThat(kernel.node).doesNotContainKey(Naming.port("task-a"));
        assertThat(kernel.task(t1)).isEmpty();
        assertThat(gw.attachments()).isEmpty();
        assertThat(Files.readString(config.stateFile())).doesNotContain("task-a");
        assertThat(gw.attach(t1, "task-a").address()).isEqualTo(ip("172.18.0.2"));
    }

    @Test
    void startThatFailsHalfWayRemovesTheBridgeItCreated() {
        kernel.failNext("replaceTable");

        assertThatThrownBy(() -> start(Set.of())).hasMessageContaining("injected failure");

        assertThat(kernel.node).isEmpty();
        assertThat(kernel.tables).isEmpty();
    }

    @Test
    void poolOverlappingAnInterfaceIsRefusedBeforeAnyChange() {
        FakeGwBridgeKernel.FakeLink eth0 = kernel.addNodeLink("eth0", "veth");
        eth0.addresses.add(new Ipv4LinkAddress(eth0.index, ip("172.18.5.1"), 24));

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessage("gwbridge pool 172.18.0.0/16 overlaps 172.18.5.1/24 on eth0;"
                        + " configure a pool no interface of the node uses");
        assertThat(kernel.changes).isEmpty();
    }

    @Test
    void interfaceInsideALargerPoolIsAnOverlapToo() {
        FakeGwBridgeKernel.FakeLink eth0 = kernel.addNodeLink("eth0", "veth");
        eth0.addresses.add(new Ipv4LinkAddress(eth0.index, ip("172.16.0.9"), 12));

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageContaining("overlaps 172.16.0.9/12 on eth0");
    }

    @Test
    void existingBridgeWithAnotherAddressIsRefusedBeforeAnyChange() {
        FakeGwBridgeKernel.FakeLink bridge = kernel.addNodeLink(BRIDGE, "bridge");
        bridge.addresses.add(new Ipv4LinkAddress(bridge.index, ip("172.19.0.1"), 16));

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessage("gwbridge: docker_gwbridge exists with address 172.19.0.1/16, not the configured gateway"
                        + " 172.18.0.1/16; remove it (run the agent with --cleanup) or configure that pool");
        assertThat(kernel.changes).isEmpty();
    }

    @Test
    void existingBridgeWithTheGatewayIsAdopted() throws IOException {
        FakeGwBridgeKernel.FakeLink bridge = kernel.addNodeLink(BRIDGE, "bridge");
        bridge.addresses.add(new Ipv4LinkAddress(bridge.index, ip("172.18.0.1"), 16));

        start(Set.of());

        assertThat(kernel.changes).noneMatch(c -> c.startsWith("addBridge"));
        assertThat(bridge.up).isTrue();
    }

    @Test
    void linkOfTheBridgesNameThatIsNoBridgeIsRefused() {
        kernel.addNodeLink(BRIDGE, "veth");

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageStartingWith("gwbridge: docker_gwbridge exists but is a veth, not a bridge");
        assertThat(kernel.changes).isEmpty();
    }

    @Test
    void stateOfAnotherPoolIsRefusedBeforeAnyChange() throws IOException {
        start(Set.of()).attach(task(), "task-a");
        kernel.node.clear();
        kernel.changes.clear();
        config = GwBridgeConfig.parse("172.20.0.0/16", null, dataDir);

        assertThatThrownBy(() -> start(Set.of("task-a"))).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageContaining("is for bridge docker_gwbridge with pool 172.18.0.0/16 and gateway 172.18.0.1,"
                        + " but the configuration says docker_gwbridge, 172.20.0.0/16, 172.20.0.1;"
                        + " run the agent with --cleanup before changing them");
        assertThat(kernel.changes).isEmpty();
    }

    @Test
    void corruptStateIsRefusedBeforeAnyChange() throws IOException {
        Files.writeString(config.stateFile(), "{\"version\":1,", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageStartingWith("gwbridge state file " + config.stateFile() + " is corrupt (")
                .hasMessageEndingWith("); move it away or run the agent with --cleanup");
        assertThat(kernel.changes).isEmpty();
    }

    @Test
    void stateWithAnAddressTwiceIsRefused() throws IOException {
        Files.writeString(config.stateFile(), "{\"version\":1,\"bridge\":\"docker_gwbridge\",\"pool\":\"172.18.0.0/16\","
                + "\"gateway\":\"172.18.0.1\",\"attachments\":["
                + "{\"task\":\"a\",\"port\":\"" + Naming.port("a") + "\",\"address\":\"172.18.0.2\"},"
                + "{\"task\":\"b\",\"port\":\"" + Naming.port("b") + "\",\"address\":\"172.18.0.2\"}]}");

        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(GwBridgeConfigException.class)
                .hasMessageContaining("task b: 172.18.0.2 is taken twice");
    }

    @Test
    void taskWithAForeignEth1IsRefusedAndKeepsIt() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        FakeGwBridgeKernel.FakeLink foreign = new FakeGwBridgeKernel.FakeLink(99, "eth1", "veth");
        foreign.mac = 0x0200000000aaL;
        kernel.task(t1).put("eth1", foreign);

        assertThatThrownBy(() -> gw.attach(t1, "task-a")).isInstanceOf(IOException.class)
                .hasMessageContaining("already has an eth1 that is not its gwbridge link");

        assertThat(kernel.task(t1)).containsEntry("eth1", foreign);
        assertThat(kernel.node).doesNotContainKey(Naming.port("task-a"));
        assertThat(gw.attachments()).isEmpty();
    }

    @Test
    void taskAttachedFromANewNamespaceKeepsItsAddressAndLeavesTheOldOne() throws IOException {
        GwBridge gw = start(Set.of());
        Netns old = task();
        Netns renewed = task();
        GwBridgeAttachment first = gw.attach(old, "task-a");

        assertThat(gw.attach(renewed, "task-a")).isEqualTo(first);

        assertThat(kernel.task(old)).isEmpty();
        assertThat(kernel.task(renewed).get("eth1").mac).isEqualTo(first.mac());
    }

    @Test
    void exhaustedPoolIsRefusedWithoutCreatingAPort() throws IOException {
        config = GwBridgeConfig.parse("10.99.0.0/30", null, dataDir);
        GwBridge gw = start(Set.of());
        assertThat(gw.attach(task(), "task-a").address()).isEqualTo(ip("10.99.0.2"));

        assertThatThrownBy(() -> gw.attach(task(), "task-b")).isInstanceOf(IllegalStateException.class)
                .hasMessage("gwbridge pool 10.99.0.0/30 is exhausted: all 1 task addresses are in use");
        assertThat(kernel.node).doesNotContainKey(Naming.port("task-b"));
    }

    @Test
    void cleanupRemovesPortsBridgeTableAndStateAndCloses() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();
        gw.attach(t1, "task-a");
        kernel.addNodeLink("eth0", "veth");

        gw.cleanup();

        assertThat(kernel.node).containsOnlyKeys("eth0");
        assertThat(kernel.task(t1)).isEmpty();
        assertThat(kernel.tables).isEmpty();
        assertThat(config.stateFile()).doesNotExist();
        assertThat(kernel.closed).isTrue();
        assertThatThrownBy(() -> gw.attach(t1, "task-a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void badTaskIdsAreRefusedWithTheReason() throws IOException {
        GwBridge gw = start(Set.of());
        Netns t1 = task();

        assertThatThrownBy(() -> gw.attach(t1, "")).hasMessage("task id is empty");
        assertThatThrownBy(() -> gw.attach(t1, "a/b")).hasMessageContaining("may hold only");
        assertThatThrownBy(() -> gw.detach("x".repeat(129))).hasMessageContaining("longer than 128");
        assertThat(kernel.node).containsOnlyKeys(BRIDGE);
    }
}
