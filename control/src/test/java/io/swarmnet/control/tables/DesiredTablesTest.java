package io.swarmnet.control.tables;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.draining;
import static io.swarmnet.control.testing.ClusterRecords.ingress;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.port;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskReport;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;
import io.swarmnet.packet.MacAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables of node n1 in a small cluster: n1 (this node) and n2 ready, n3 down;
 * networks ingress (VNI 4096), front (4097) and back (4098, where n1 has no task);
 * web (vip, on ingress and front, alias www, ports 8080 ingress and 9090 host),
 * api (dnsrr on front), db (vip on back).
 */
class DesiredTablesTest {
    private static final int INGRESS = 4096;
    private static final int FRONT = 4097;
    private static final int BACK = 4098;
    private static final int N2 = ip("192.0.2.12");

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static ClusterView.Editor cluster() {
        return ClusterView.EMPTY.edit()
                .put(node("n1", "192.0.2.11"), 1).alive("n1", 1)
                .put(node("n2", "192.0.2.12"), 1).alive("n2", 1)
                .put(node("n3", "192.0.2.13"), 1)
                .put(ingress("ingress", INGRESS, "10.0.0.0/24"), 1)
                .put(network("front", FRONT, "10.0.1.0/24"), 1)
                .put(network("back", BACK, "10.0.2.0/24"), 1)
                .put(service("web", EndpointMode.VIP,
                        List.of(port(8080, 80, PublishMode.INGRESS), port(9090, 90, PublishMode.HOST)),
                        on("ingress", "10.0.0.2"), on("front", "10.0.1.2", "www")), 1)
                .put(service("api", EndpointMode.DNSRR, List.of(), on("front", null)), 1)
                .put(service("db", on("back", "10.0.2.2")), 1)
                .put(task("w1", "web", 1, "n1", at("ingress", "10.0.0.3"), at("front", "10.0.1.3")), 1)
                .put(task("w2", "web", 2, "n2", at("ingress", "10.0.0.4"), at("front", "10.0.1.4")), 1)
                .put(draining(task("w3", "web", 3, "n2", at("ingress", "10.0.0.5"), at("front", "10.0.1.5"))), 1)
                .put(task("w4", "web", 4, "n3", at("ingress", "10.0.0.6"), at("front", "10.0.1.6")), 1)
                .put(task("a1", "api", 1, "n2", at("front", "10.0.1.7")), 1)
                .put(task("d1", "db", 1, "n2", at("back", "10.0.2.3")), 1);
    }

    private static DesiredTables n1(ClusterView view) {
        return DesiredTables.build(view, "n1", Set.of());
    }

    private static Backend remote(String task, String node, String ip, BackendState state) {
        return new Backend(task, node, ip(ip), MacAddress.fromIpv4(ip(ip)), N2, false, state);
    }

    private static Backend local(String task, String ip) {
        return new Backend(task, "n1", ip(ip), MacAddress.fromIpv4(ip(ip)), ip("192.0.2.11"), true, BackendState.ACTIVE);
    }

    @Test
    void aContainerTaskTakesTrafficOnlyOnceItsNodeReportsItRunning() {
        Service web = cluster().build(1).service("web").orElseThrow();
        ClusterView.Editor containers = cluster().put(web.withContainer(ContainerSpec.of("swarmnet/echo")), 2);
        VirtualService none = n1(cluster().put(web.withContainer(ContainerSpec.of("swarmnet/echo")), 2).build(10)).services().get(new IpKey(FRONT, ip("10.0.1.2")));
        assertThat(none.backends()).as("no task reported yet").isEmpty();
        DnsRecord tasks = n1(containers.build(10)).dns().get(new DnsKey("front", "tasks.web"));
        assertThat(tasks == null ? List.of() : tasks.addresses()).as("nor in tasks.web").isEmpty();

        ClusterView reported = cluster().put(web.withContainer(ContainerSpec.of("swarmnet/echo")), 2)
                .put(RecordKind.REPORT, "w1", report("w1", TaskReport.State.RUNNING), 3)
                .put(RecordKind.REPORT, "w2", report("w2", TaskReport.State.FAILED), 3).build(10);
        assertThat(n1(reported).services().get(new IpKey(FRONT, ip("10.0.1.2"))).backends())
                .extracting(Backend::taskId).as("w2 failed to start").containsExactly("w1");
    }

    private static TaskReport report(String task, TaskReport.State state) {
        return new TaskReport(task, "n1", state, "", null, 0);
    }

    @Test
    void theNodeTakesPartInIngressItsTasksNetworksAndItsAttachments() {
        ClusterView view = cluster().build(10);

        assertThat(n1(view).networks().entries().keySet()).containsExactlyInAnyOrder(INGRESS, FRONT);
        assertThat(DesiredTables.build(view, "n1", Set.of("back", "unknown")).networks().entries().keySet())
                .containsExactlyInAnyOrder(INGRESS, FRONT, BACK);
        assertThat(n1(view).networks().get(FRONT))
                .isEqualTo(new LocalNetwork("front", "front", FRONT, Ipv4Subnet.parse("10.0.1.0/24"),
                        ip("10.0.1.1"), 0, false, false));
        assertThat(n1(view).revision()).isEqualTo(10);
    }

    @Test
    void everyReadyNodesIngressEndpointIsAnsweredAndRemoteOnesAreBehindTheirVtep() {
        ClusterView view = cluster()
                .put(node("n1", "192.0.2.11").withIngress(at("ingress", "10.0.0.101")), 2)
                .put(node("n2", "192.0.2.12").withIngress(at("ingress", "10.0.0.102")), 2)
                .put(node("n3", "192.0.2.13").withIngress(at("ingress", "10.0.0.103")), 2)
                .build(10);
        DesiredTables t = n1(view);

        assertThat(t.arp().get(new IpKey(INGRESS, ip("10.0.0.101")))).isEqualTo(MacAddress.fromIpv4(ip("10.0.0.101")));
        assertThat(t.arp().get(new IpKey(INGRESS, ip("10.0.0.102")))).isEqualTo(MacAddress.fromIpv4(ip("10.0.0.102")));
        assertThat(t.arp().get(new IpKey(INGRESS, ip("10.0.0.103")))).as("n3 is not ready").isNull();
        assertThat(t.fdb().get(new MacKey(INGRESS, MacAddress.fromIpv4(ip("10.0.0.102"))))).isEqualTo(N2);
        assertThat(t.fdb().get(new MacKey(INGRESS, MacAddress.fromIpv4(ip("10.0.0.101"))))).as("its own is a local port").isNull();
    }

    @Test
    void fdbMapsEachReachableRemoteMacToItsNodesUnderlayAddress() {
        DesiredTables t = n1(cluster().build(10));

        assertThat(t.fdb().entries()).containsOnly(
                entry(new MacKey(INGRESS, MacAddress.fromIpv4(ip("10.0.0.4"))), N2),
                entry(new MacKey(INGRESS, MacAddress.fromIpv4(ip("10.0.0.5"))), N2),
                entry(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.4"))), N2),
                entry(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.5"))), N2),
                entry(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.7"))), N2));
    }

    @Test
    void arpAnswersForReachableTasksAndServiceVipsOnTheNodesNetworks() {
        DesiredTables t = n1(cluster().build(10));

        assertThat(t.arp().entries().keySet()).containsExactlyInAnyOrder(
                new IpKey(INGRESS, ip("10.0.0.2")), new IpKey(INGRESS, ip("10.0.0.3")), new IpKey(INGRESS, ip("10.0.0.4")),
                new IpKey(INGRESS, ip("10.0.0.5")),
                new IpKey(FRONT, ip("10.0.1.2")), new IpKey(FRONT, ip("10.0.1.3")), new IpKey(FRONT, ip("10.0.1.4")),
                new IpKey(FRONT, ip("10.0.1.5")), new IpKey(FRONT, ip("10.0.1.7")));
        assertThat(t.arp().get(new IpKey(FRONT, ip("10.0.1.2")))).isEqualTo(MacAddress.fromIpv4(ip("10.0.1.2")));
    }

    @Test
    void localEndpointsAreThisNodesTasksOnEachOfTheirNetworks() {
        DesiredTables t = n1(cluster().build(10));

        assertThat(t.localEndpoints().entries()).containsOnlyKeys(new EndpointKey("w1", "ingress"), new EndpointKey("w1", "front"));
        assertThat(t.localEndpoints().get(new EndpointKey("w1", "front"))).isEqualTo(
                new LocalEndpoint("w1", "web", "front", FRONT, ip("10.0.1.3"), MacAddress.fromIpv4(ip("10.0.1.3")), TaskState.RUNNING));
    }

    @Test
    void aVipListsRunningAndDrainingTasksOnReadyNodesInTaskOrder() {
        DesiredTables t = n1(cluster().build(10));

        VirtualService web = t.services().get(new IpKey(FRONT, ip("10.0.1.2")));
        assertThat(web.backends()).containsExactly(
                local("w1", "10.0.1.3"),
                remote("w2", "n2", "10.0.1.4", BackendState.ACTIVE),
                remote("w3", "n2", "10.0.1.5", BackendState.DRAINING));
        assertThat(web.activeBackends()).extracting(Backend::taskId).containsExactly("w1", "w2");
        assertThat(t.services().entries().keySet()).containsExactlyInAnyOrder(
                new IpKey(INGRESS, ip("10.0.0.2")), new IpKey(FRONT, ip("10.0.1.2")));
    }

    @Test
    void aBackendWeighsWhatItsNodeWeighs() {
        DesiredTables t = n1(cluster().put(node("n2", "192.0.2.12").withLbWeight(3), 2).build(10));

        VirtualService web = t.services().get(new IpKey(FRONT, ip("10.0.1.2")));
        assertThat(web.backends()).extracting(Backend::taskId, Backend::weight)
                .containsExactly(tuple("w1", 1), tuple("w2", 3), tuple("w3", 3));
    }

    @Test
    void ingressPortsAreOnEveryNodeAndHostPortsOnlyWhereATaskRuns() {
        DesiredTables t1 = n1(cluster().build(10));
        ClusterView noTaskOnN1 = cluster().remove(RecordKind.TASK, "w1", 11).build(11);
        DesiredTables without = n1(noTaskOnN1);

        PortMapping ingress = t1.publishedPorts().get(new PortKey(PortProtocol.TCP, 8080));
        assertThat(ingress.mode()).isEqualTo(PublishMode.INGRESS);
        assertThat(ingress.vni()).isEqualTo(INGRESS);
        assertThat(ingress.vip()).isEqualTo(ip("10.0.0.2"));
        assertThat(ingress.target()).isEqualTo(80);
        assertThat(ingress.backends()).extracting(Backend::ip)
                .containsExactly(ip("10.0.0.3"), ip("10.0.0.4"), ip("10.0.0.5"));
        PortMapping host = t1.publishedPorts().get(new PortKey(PortProtocol.TCP, 9090));
        assertThat(host.mode()).isEqualTo(PublishMode.HOST);
        assertThat(host.backends()).containsExactly(new Backend("w1", "n1", ip("10.0.0.3"), MacAddress.fromIpv4(ip("10.0.0.3")),
                ip("192.0.2.11"), true, BackendState.ACTIVE));

        assertThat(without.publishedPorts().entries()).containsOnlyKeys(new PortKey(PortProtocol.TCP, 8080));
        assertThat(without.publishedPorts().get(new PortKey(PortProtocol.TCP, 8080)).backends()).hasSize(2);
    }

    static Stream<Arguments> dns() {
        return Stream.of(
                Arguments.of("a vip service answers with its VIP", "front", "web", List.of("10.0.1.2")),
                Arguments.of("an alias answers like the name", "front", "www", List.of("10.0.1.2")),
                Arguments.of("tasks.<name> lists running tasks on ready nodes", "front", "tasks.web",
                        List.of("10.0.1.3", "10.0.1.4")),
                Arguments.of("tasks.<alias> too", "front", "tasks.www", List.of("10.0.1.3", "10.0.1.4")),
                Arguments.of("<name>.<slot> is one task, draining or not", "front", "web.3", List.of("10.0.1.5")),
                Arguments.of("<name>.<slot>.<task id> is Docker's task name", "front", "web.2.w2", List.of("10.0.1.4")),
                Arguments.of("a task on a down node has no name", "front", "web.4", List.of()),
                Arguments.of("a dnsrr service answers with its tasks", "front", "api", List.of("10.0.1.7")),
                Arguments.of("<name>.<network> for a service", "front", "web.front", List.of("10.0.1.2")),
                Arguments.of("<name>.<network> for tasks.<name>", "front", "tasks.web.front", List.of("10.0.1.3", "10.0.1.4")),
                Arguments.of("<name>.<network> for a task name", "front", "web.2.w2.front", List.of("10.0.1.4")),
                Arguments.of("<name>.<network> for an alias", "front", "www.front", List.of("10.0.1.2")),
                Arguments.of("no discovery on the ingress network", "ingress", "web", List.of()),
                Arguments.of("nothing for networks the node is not on", "back", "db", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dns")
    void dnsRecordsPerNetwork(String why, String network, String name, List<String> addresses) {
        DesiredTables t = n1(cluster().build(10));

        DnsRecord record = t.dns().get(new DnsKey(network, name));
        if (addresses.isEmpty()) {
            assertThat(record).isNull();
        } else {
            assertThat(record).isEqualTo(new DnsRecord(addresses.stream().map(DesiredTablesTest::ip).toList()));
        }
    }

    /** Where one task of web on network front shows up in n1's tables, by its node and state. */
    static Stream<Arguments> taskReach() {
        return Stream.of(
                //            task node, node ready, task state,        fdb    backend                  dns (tasks.web)
                Arguments.of("n2", true, TaskState.RUNNING, true, BackendState.ACTIVE, true),
                Arguments.of("n2", true, TaskState.DRAINING, true, BackendState.DRAINING, false),
                Arguments.of("n2", false, TaskState.RUNNING, false, null, false),
                Arguments.of("n9", true, TaskState.RUNNING, false, null, false),
                Arguments.of("n1", false, TaskState.RUNNING, false, BackendState.ACTIVE, true),
                Arguments.of("n1", true, TaskState.DRAINING, false, BackendState.DRAINING, false));
    }

    @ParameterizedTest(name = "task on {0} (ready {1}, {2})")
    @MethodSource("taskReach")
    void whichTasksCount(String nodeId, boolean ready, TaskState state, boolean inFdb, BackendState backend, boolean inDns) {
        ClusterView.Editor e = ClusterView.EMPTY.edit()
                .put(node("n1", "192.0.2.11"), 1).put(node("n2", "192.0.2.12"), 1)
                .put(network("front", FRONT, "10.0.1.0/24"), 1)
                .put(service("web", on("front", "10.0.1.2")), 1)
                .put(task("w0", "web", 1, "n1"), 1);
        // n9 has a liveness key but no record, so no underlay address to reach it at.
        e.alive("n9", 1);
        if (ready) {
            e.alive(nodeId, 1);
        }
        Task t = task("w1", "web", 2, nodeId, at("front", "10.0.1.3"));
        e.put(state == TaskState.DRAINING ? draining(t) : t, 1);
        DesiredTables tables = DesiredTables.build(e.build(2), "n1", Set.of("front"));

        assertThat(tables.fdb().entries().containsKey(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.3"))))).isEqualTo(inFdb);
        assertThat(tables.services().get(new IpKey(FRONT, ip("10.0.1.2"))).backends())
                .extracting(Backend::state).isEqualTo(backend == null ? List.of() : List.of(backend));
        assertThat(tables.dns().get(new DnsKey("front", "tasks.web")) != null).isEqualTo(inDns);
        assertThat(tables.localEndpoints().isEmpty()).isEqualTo(!nodeId.equals("n1"));
    }

    @Test
    void aNodeGoingDownTakesItsTasksOutOfEveryBackendTable() {
        ClusterView view = cluster().build(10);
        ClusterView n2Down = view.edit().remove(RecordKind.LIVENESS, "n2", 11).build(11);

        DesiredTables before = n1(view);
        DesiredTables after = n1(n2Down);

        assertThat(after.services().entries().values()).allSatisfy(s ->
                assertThat(s.backends()).extracting(Backend::nodeId).containsOnly("n1"));
        assertThat(after.publishedPorts().get(new PortKey(PortProtocol.TCP, 8080)).backends())
                .extracting(Backend::taskId).containsExactly("w1");
        assertThat(after.fdb().isEmpty()).isTrue();
        assertThat(after.localEndpoints()).isEqualTo(before.localEndpoints());
        assertThat(after.dns().get(new DnsKey("front", "api"))).isNull();
    }

    @Test
    void theSameViewGivesEqualTablesAndAChangeDiffsToJustThatChange() {
        ClusterView view = cluster().build(10);
        ClusterView moved = view.edit().put(task("a1", "api", 1, "n2", at("front", "10.0.1.9")), 11).build(11);

        DesiredTables a = n1(view);
        DesiredTables b = n1(moved);

        assertThat(n1(view)).isEqualTo(a);
        assertThat(a.sameTables(n1(cluster().build(99)))).isTrue();
        TableDiff<MacKey, Integer> fdb = b.fdb().diffFrom(a.fdb());
        assertThat(fdb.upserts()).containsOnlyKeys(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.9"))));
        assertThat(fdb.removals()).containsOnly(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.7"))));
        assertThat(b.services()).isEqualTo(a.services());
        assertThat(b.localEndpoints().diffFrom(a.localEndpoints()).isEmpty()).isTrue();

        DesiredTables shared = b.sharing(a);
        assertThat(shared.services()).isSameAs(a.services());
        assertThat(shared.fdb()).isSameAs(b.fdb());
    }

    @Test
    void collidingRecordsResolveToTheLowestIdOnEveryBuild() {
        ClusterView view = cluster()
                .put(task("a0", "api", 2, "n2", at("front", "10.0.1.7")), 1)
                .put(network("zz-same-vni", FRONT, "10.0.7.0/24"), 1)
                .put(task("a9", "api", 3, "n1", at("zz-same-vni", "10.0.7.3")), 1)
                .build(10);

        DesiredTables t = n1(view);

        assertThat(t.networks().get(FRONT).networkId()).isEqualTo("front");
        assertThat(t.fdb().get(new MacKey(FRONT, MacAddress.fromIpv4(ip("10.0.1.7"))))).isEqualTo(N2);
        assertThat(t.dns().get(new DnsKey("front", "api")))
                .isEqualTo(new DnsRecord(List.of(ip("10.0.1.7"))));
    }

    @Test
    void dnsNamesAreKeptLowercaseForCaseInsensitiveQuestions() {
        ClusterView view = cluster().put(service("Shop", on("front", "10.0.1.20", "Store.Front")), 1).build(10);

        DesiredTables t = n1(view);

        assertThat(t.dns().get(new DnsKey("front", "shop"))).isEqualTo(new DnsRecord(List.of(ip("10.0.1.20"))));
        assertThat(t.dns().get(new DnsKey("front", "store.front"))).isEqualTo(new DnsRecord(List.of(ip("10.0.1.20"))));
        assertThat(t.dns().get(new DnsKey("front", "Shop"))).isNull();
    }

    @Test
    void ptrNamesEveryTaskAddressAndTheVip() {
        DesiredTables t = n1(cluster().build(10));

        assertThat(t.dns().get(new DnsKey("front", "2.1.0.10.in-addr.arpa")).pointers()).containsExactly("web.front");
        assertThat(t.dns().get(new DnsKey("front", "4.1.0.10.in-addr.arpa")).pointers()).containsExactly("web.2.w2.front");
        assertThat(t.dns().get(new DnsKey("front", "7.1.0.10.in-addr.arpa")).pointers()).containsExactly("api.1.a1.front");
        assertThat(t.dns().get(new DnsKey("ingress", "2.0.0.10.in-addr.arpa"))).isNull();
    }

    @Test
    void srvLocatesPublishedPortsAtTheVipOrAtEachTaskOfADnsrrService() {
        ClusterView view = cluster()
                .put(service("api", EndpointMode.DNSRR, List.of(port(7070, 70, PublishMode.HOST)), on("front", null)), 2)
                .build(10);
        DesiredTables t = n1(view);

        assertThat(t.dns().get(new DnsKey("front", "_8080._tcp.web")).services())
                .containsExactly(new DnsRecord.Srv(80, "web.front"));
        assertThat(t.dns().get(new DnsKey("front", "_9090._tcp.www.front")).services())
                .containsExactly(new DnsRecord.Srv(90, "web.front"));
        assertThat(t.dns().get(new DnsKey("front", "_7070._tcp.api")).services())
                .containsExactly(new DnsRecord.Srv(70, "api.1.a1.front"));
    }

    @Test
    void anEmptyViewGivesEmptyTables() {
        assertThat(n1(ClusterView.EMPTY).sameTables(DesiredTables.empty("n1"))).isTrue();
    }
}
