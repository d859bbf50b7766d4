package io.swarmnet.node.overlay;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.BackendState;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.Table;
import io.swarmnet.control.tables.VirtualService;
import io.swarmnet.lb.scheduler.SchedulerType;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTableMapperTest {
    private static final int VNI = 4097;
    private static final int VIP = ip("10.0.9.2");
    private static final int PEER = ip("192.0.2.22");
    private static final int LOCAL = ip("10.0.9.3");
    private static final int REMOTE = ip("10.0.9.4");
    private static final int DRAINING = ip("10.0.9.5");

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static Backend backend(String task, int ip, boolean local, BackendState state) {
        return new Backend(task, local ? "self" : "n2", ip, MacAddress.fromIpv4(ip), local ? 0 : PEER, local, state);
    }

    private static DesiredTables tables(VirtualService... services) {
        Map<IpKey, VirtualService> byKey = new java.util.HashMap<>();
        Map<IpKey, Long> arp = new java.util.HashMap<>();
        for (VirtualService vs : services) {
            byKey.put(new IpKey(vs.vni(), vs.vip()), vs);
            arp.put(new IpKey(vs.vni(), vs.vip()), MacAddress.fromIpv4(vs.vip()));
        }
        return new DesiredTables(7, "self", Table.empty(), Table.empty(), Table.of(arp), Table.empty(),
                Table.of(byKey), Table.empty(), Table.empty());
    }

    private static VirtualService web(LbScheduler scheduler, Backend... backends) {
        return new VirtualService("s1", "web", "net", VNI, VIP, List.of(backends), scheduler);
    }

    @Test
    void mapsAVipWithItsMacSchedulerAndBackendsWhereTheyAre() {
        DesiredTables desired = tables(web(LbScheduler.MAGLEV, backend("a", LOCAL, true, BackendState.ACTIVE),
                backend("b", REMOTE, false, BackendState.ACTIVE), backend("c", DRAINING, false, BackendState.DRAINING)));
        ServiceTable t = ServiceTableMapper.map(3, desired, List.of(new LocalPort(VNI, MacAddress.fromIpv4(LOCAL), 9)),
                ServiceTable.EMPTY);
        VirtualServer vs = t.service(VNI, VIP);
        assertThat(t.version()).isEqualTo(3);
        assertThat(vs.vipMac()).isEqualTo(MacAddress.fromIpv4(VIP));
        assertThat(vs.schedulerType()).isEqualTo(SchedulerType.MAGLEV);
        assertThat(vs.backend(vs.indexOf(LOCAL)).localPort()).isEqualTo(9);
        assertThat(vs.backend(vs.indexOf(REMOTE)).vtep()).isEqualTo(PEER);
        assertThat(vs.backend(vs.indexOf(DRAINING)).active()).isFalse();
    }

    @Test
    void weightedRoundRobinGivesEachTaskItsNodesShareOfNewFlows() {
        Backend heavy = new Backend("a", "self", LOCAL, MacAddress.fromIpv4(LOCAL), 0, true, BackendState.ACTIVE, 3);
        DesiredTables desired = tables(web(LbScheduler.WRR, heavy, backend("b", REMOTE, false, BackendState.ACTIVE)));
        VirtualServer vs = ServiceTableMapper.map(1, desired, List.of(new LocalPort(VNI, MacAddress.fromIpv4(LOCAL), 9)),
                ServiceTable.EMPTY).service(VNI, VIP);

        assertThat(vs.backend(vs.indexOf(LOCAL)).weight()).isEqualTo(3);
        int[] picks = new int[2];
        for (int flow = 0; flow < 400; flow++) {
            picks[vs.backend(vs.pick(flow, ip("10.0.9.200"))).ip() == LOCAL ? 0 : 1]++;
        }
        assertThat(picks).containsExactly(300, 100);
    }

    @Test
    void leavesOutALocalBackendWhoseTapIsNotAttachedYet() {
        DesiredTables desired = tables(web(LbScheduler.RR, backend("a", LOCAL, true, BackendState.ACTIVE),
                backend("b", REMOTE, false, BackendState.ACTIVE)));
        VirtualServer vs = ServiceTableMapper.map(1, desired, List.of(), ServiceTable.EMPTY).service(VNI, VIP);
        assertThat(vs.backendCount()).isEqualTo(1);
        assertThat(vs.indexOf(LOCAL)).isEqualTo(-1);
    }

    @Test
    void aDnsrrServiceHasNoVipAndNothingToBalance() {
        // The control plane makes no VirtualService for endpoint mode dnsrr.
        ServiceTable t = ServiceTableMapper.map(1, tables(), List.of(), ServiceTable.EMPTY);
        assertThat(t.isEmpty()).isTrue();
    }

    @Test
    void skipsWhatTheTableCannotTakeInsteadOfThrowing() {
        VirtualService broadcastVip = new VirtualService("s2", "bad", "net", VNI, -1, List.of(), LbScheduler.RR);
        DesiredTables desired = tables(broadcastVip, web(LbScheduler.RR,
                backend("a", REMOTE, false, BackendState.ACTIVE), backend("dup", REMOTE, false, BackendState.ACTIVE),
                new Backend("z", "n3", ip("10.0.9.9"), MacAddress.fromIpv4(ip("10.0.9.9")), 0, false, BackendState.ACTIVE)));
        ServiceTable t = ServiceTableMapper.map(1, desired, List.of(), ServiceTable.EMPTY);
        assertThat(t.services()).hasSize(1);
        assertThat(t.service(VNI, VIP).backendCount()).isEqualTo(1);
    }
}
