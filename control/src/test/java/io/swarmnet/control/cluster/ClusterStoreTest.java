package io.swarmnet.control.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.swarmnet.control.cluster.ClusterException.Reason;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.control.model.Network;
import io.swarmnet.control.model.NetworkAttachment;
import io.swarmnet.control.model.NodeAvailability;
import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.model.PublishedPort;
import io.swarmnet.control.model.Service;
import io.swarmnet.control.model.ServiceMode;
import io.swarmnet.control.model.Task;
import io.swarmnet.control.model.TaskEndpoint;
import io.swarmnet.control.model.TaskState;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.testing.EtcdFixture;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Allocation and placement through {@link ClusterStore}, against a real etcd. */
@Tag("privileged")
@Timeout(60)
class ClusterStoreTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    private static EtcdStore store;
    private ClusterStore cluster;

    @BeforeAll
    static void connect() {
        store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(5));
    }

    @AfterAll
    static void disconnect() {
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void emptyCluster() {
        ClusterFixtures.wipe(store);
        cluster = new ClusterStore(store);
    }

    @AfterEach
    void everythingStillAddsUp() {
        ClusterAudit.assertConsistent(cluster.read());
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(ThrowingCallable call, Reason reason) {
        return assertThatThrownBy(call).isInstanceOf(ClusterException.class)
                .satisfies(e -> assertThat(((ClusterException) e).reason()).isEqualTo(reason));
    }

    @Test
    void initCreatesTheIngressNetworkLikeDocker() {
        Network ingress = cluster.init(InitSpec.defaults());

        assertThat(ingress.name()).isEqualTo("ingress");
        assertThat(ingress.ingress()).isTrue();
        assertThat(ingress.subnet()).isEqualTo("10.0.0.0/24");
        assertThat(ingress.gateway()).isEqualTo("10.0.0.1");
        assertThat(ingress.vni()).isEqualTo(4096);
        assertThat(cluster.read().ingress()).contains(ingress);
    }

    @Test
    void aNodeWeightIsSetByHostnameAndBadWeightsOrNodesAreRefused() {
        String id = ClusterFixtures.nodes(store, "w1").get(0);

        assertThat(cluster.setNodeWeight("w1", 3).weight()).isEqualTo(3);
        assertThat(cluster.read().nodeById(id).orElseThrow().lbWeight()).isEqualTo(3);
        // Back to the default: the record is as it was before anyone weighted it.
        assertThat(cluster.setNodeWeight(id, 1).lbWeight()).isNull();
        refused(() -> cluster.setNodeWeight("w1", 0), Reason.INVALID).hasMessage("weight 0 is outside 1..65535");
        refused(() -> cluster.setNodeWeight("nobody", 2), Reason.NOT_FOUND);
    }

    @Test
    void secondInitIsRefusedNamingTheIngressNetwork() {
        cluster.init(InitSpec.defaults());

        refused(() -> cluster.init(new InitSpec("10.9.0.0/24", null, 0)), Reason.ALREADY_INITIALIZED)
                .hasMessage("the cluster at " + store.address() + " is already initialized: its ingress network is ingress (10.0.0.0/24)");
    }

    @Test
    void networksGetSerialVnisAndTheLowestFreeSubnetOfThePool() {
        cluster.init(InitSpec.defaults());
        Network a = cluster.createNetwork(NetworkSpec.named("a"));
        Network b = cluster.createNetwork(NetworkSpec.named("b"));
        cluster.removeNetwork("a");
        Network c = cluster.createNetwork(NetworkSpec.named("c"));

        assertThat(List.of(a.vni(), b.vni(), c.vni())).containsExactly(4097, 4098, 4099);
        assertThat(List.of(a.subnet(), b.subnet(), c.subnet())).containsExactly("10.0.1.0/24", "10.0.2.0/24", "10.0.1.0/24");
        assertThat(c.gateway()).isEqualTo("10.0.1.1");
    }

    @Test
    void givenSubnetAndGatewayAreKeptAndTheRestOfTheSpecRecorded() {
        Network n = cluster.createNetwork(new NetworkSpec("app", "10.0.9.0/24", "10.0.9.254", true, true, false, true, 1400,
                Map.of("team", "a")));

        assertThat(n).extracting(Network::subnet, Network::gateway, Network::attachable, Network::internal,
                Network::encrypted, Network::mtu, Network::labels)
                .containsExactly("10.0.9.0/24", "10.0.9.254", true, true, true, 1400, Map.of("team", "a"));
        assertThat(cluster.read().network("app")).isEqualTo(n);
    }

    @Test
    void overlappingSubnetIsRefusedNamingTheNetworkInTheWay() {
        cluster.createNetwork(NetworkSpec.named("wide").withSubnet("10.1.0.0/16"));

        refused(() -> cluster.createNetwork(NetworkSpec.named("narrow").withSubnet("10.1.9.0/24")), Reason.SUBNET_OVERLAP)
                .hasMessage("subnet 10.1.9.0/24 overlaps with network wide (10.1.0.0/16)");
    }

    @Test
    void poolSubnetsSkipSubnetsGivenByHand() {
        cluster.createNetwork(NetworkSpec.named("manual").withSubnet("10.0.0.0/23"));

        assertThat(cluster.createNetwork(NetworkSpec.named("auto")).subnet()).isEqualTo("10.0.2.0/24");
    }

    @Test
    void badNetworkSpecsAreRefusedSayingWhy() {
        refused(() -> cluster.createNetwork(NetworkSpec.named("x").withSubnet("10.0.9.5/24")), Reason.INVALID)
                .hasMessage("invalid subnet 10.0.9.5/24: it should be 10.0.9.0/24");
        refused(() -> cluster.createNetwork(NetworkSpec.named("x").withSubnet("10.0.9.0/31")), Reason.INVALID)
                .hasMessageContaining("/30 at the smallest");
        refused(() -> cluster.createNetwork(new NetworkSpec("x", "10.0.9.0/24", "10.0.8.1", false, false, false, false, 0, null)),
                Reason.INVALID).hasMessage("gateway 10.0.8.1 is not a host address of subnet 10.0.9.0/24");
        refused(() -> cluster.createNetwork(new NetworkSpec("x", null, "10.0.8.1", false, false, false, false, 0, null)),
                Reason.INVALID).hasMessage("gateway 10.0.8.1 needs a subnet: give --subnet too");
        refused(() -> cluster.createNetwork(new NetworkSpec("x", null, null, false, false, false, false, 20, null)),
                Reason.INVALID).hasMessage("invalid MTU 20: it must be 68-65535");
        refused(() -> cluster.createNetwork(NetworkSpec.named("bad name")), Reason.INVALID)
                .hasMessageStartingWith("invalid network name \"bad name\"");
    }

    @Test
    void takenNetworkNameIsRefused() {
        cluster.createNetwork(NetworkSpec.named("app"));

        refused(() -> cluster.createNetwork(NetworkSpec.named("app")), Reason.NAME_TAKEN)
                .hasMessage("network with name app already exists");
    }

    @Test
    void exhaustedAddressPoolIsRefusedNamingThePool() {
        cluster.init(new InitSpec("10.0.0.0/24", List.of("10.99.0.0/23"), 24));
        cluster.createNetwork(NetworkSpec.named("one"));
        cluster.createNetwork(NetworkSpec.named("two"));

        refused(() -> cluster.createNetwork(NetworkSpec.named("three")), Reason.POOL_EXHAUSTED)
                .hasMessage("no free /24 subnet left in the default address pool 10.99.0.0/23; give one with --subnet");
    }

    @Test
    void secondIngressNetworkIsRefused() {
        cluster.init(InitSpec.defaults());

        refused(() -> cluster.createNetwork(NetworkSpec.named("mesh").asIngress()), Reason.INVALID)
                .hasMessageStartingWith("an ingress network already exists: ingress (10.0.0.0/24)");
    }

    @Test
    void serviceGetsAVipAndTasksSpreadOverReadyNodesWithDockerMacs() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2", "w3");
        Network app = cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));

        Service web = cluster.createService(ServiceSpec.replicated("web", 5)
                .withNetworks(new NetworkRequest("app", List.of("www"))));

        assertThat(web.networks()).containsExactly(new NetworkAttachment(app.id(), List.of("www"), "10.0.9.2"));
        List<Task> tasks = cluster.read().tasksOf(web.id());
        assertThat(tasks).extracting(Task::slot).containsExactly(1, 2, 3, 4, 5);
        assertThat(tasks).extracting(Task::state).containsOnly(TaskState.RUNNING);
        Map<String, Long> perNode = tasks.stream().collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
        assertThat(perNode.keySet()).containsExactlyInAnyOrderElementsOf(nodes);
        assertThat(perNode.values()).containsExactlyInAnyOrder(2L, 2L, 1L);
        assertThat(tasks).flatExtracting(Task::endpoints).extracting(TaskEndpoint::ip)
                .containsExactlyInAnyOrder("10.0.9.3", "10.0.9.4", "10.0.9.5", "10.0.9.6", "10.0.9.7");
        TaskEndpoint first = tasks.get(0).endpoints().get(0);
        assertThat(first.mac()).isEqualTo(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(first.ip()))));
    }

    @Test
    void theLoadBalancingSchedulerIsSetAtCreateAndChangedByUpdate() {
        ClusterFixtures.nodes(store, "w1");
        cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));

        Service web = cluster.createService(ServiceSpec.replicated("web", 1)
                .withNetworks(new NetworkRequest("app", List.of())).withLbScheduler(LbScheduler.MAGLEV));
        assertThat(web.lbScheduler()).isEqualTo(LbScheduler.MAGLEV);
        assertThat(cluster.updateService("web", ServiceUpdate.scale(2)).lbScheduler()).isEqualTo(LbScheduler.MAGLEV);

        Service updated = cluster.updateService("web", new ServiceUpdate(null, null, List.of(), List.of(), LbScheduler.WRR, null));
        assertThat(updated.lbScheduler()).isEqualTo(LbScheduler.WRR);
        assertThat(cluster.read().service("web").lbScheduler()).isEqualTo(LbScheduler.WRR);
    }

    @Test
    void spreadPrefersNodesWithFewerTasksAndSkipsDownPausedAndDrainedNodes() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2", "w3", "w4", "w5");
        ClusterFixtures.down(store, nodes.get(2));
        ClusterFixtures.availability(store, nodes.get(3), NodeAvailability.PAUSE);
        ClusterFixtures.availability(store, nodes.get(4), NodeAvailability.DRAIN);
        cluster.createService(ServiceSpec.replicated("busy", 1));
        String busyNode = cluster.read().tasks().get(0).nodeId();

        Service web = cluster.createService(ServiceSpec.replicated("web", 1));

        String webNode = cluster.read().tasksOf(web.id()).get(0).nodeId();
        assertThat(webNode).isIn(nodes.get(0), nodes.get(1)).isNotEqualTo(busyNode);
    }

    @Test
    void noReadyNodeMeansNoSuitableNodeAndNothingCreated() {
        refused(() -> cluster.createService(ServiceSpec.replicated("web", 1)), Reason.NO_SUITABLE_NODE)
                .hasMessage("no suitable node for web.1: no node has joined the cluster (start 'swarmnet agent' on a host)");
        assertThat(cluster.read().services()).isEmpty();
        assertThat(cluster.createService(ServiceSpec.replicated("web", 0)).replicas()).isZero();
    }

    @Test
    void ingressPortsAreAssignedFrom30000UniquePerProtocol() {
        ClusterFixtures.nodes(store, "w1");
        Network ingress = cluster.init(InitSpec.defaults());
        PortRequest auto = PortRequest.tcp(0, 80);

        Service a = cluster.createService(ServiceSpec.replicated("a", 1).withPorts(auto));
        Service b = cluster.createService(ServiceSpec.replicated("b", 1).withPorts(auto));
        Service c = cluster.createService(ServiceSpec.replicated("c", 1)
                .withPorts(new PortRequest(PortProtocol.UDP, 53, 0, PublishMode.INGRESS)));

        assertThat(a.ports()).containsExactly(new PublishedPort(PortProtocol.TCP, 80, 30000, PublishMode.INGRESS));
        assertThat(b.ports()).extracting(PublishedPort::published).containsExactly(30001);
        assertThat(c.ports()).containsExactly(new PublishedPort(PortProtocol.UDP, 53, 30000, PublishMode.INGRESS));
        assertThat(a.networks()).extracting(NetworkAttachment::networkId).containsExactly(ingress.id());
        assertThat(a.networks().get(0).vip()).isEqualTo("10.0.0.2");
        assertThat(cluster.read().tasksOf(a.id()).get(0).endpoints()).extracting(TaskEndpoint::networkId)
                .containsExactly(ingress.id());
    }

    @Test
    void eachNodeGetsOneIngressEndpointBesideTheTasksAddresses() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2");
        assertThat(cluster.ensureIngressEndpoint(nodes.get(0))).as("no ingress network yet").isEmpty();
        Network ingress = cluster.init(InitSpec.defaults());
        Service web = cluster.createService(ServiceSpec.replicated("web", 1).withPorts(PortRequest.tcp(8080, 80)));

        TaskEndpoint first = cluster.ensureIngressEndpoint(nodes.get(0)).orElseThrow();
        TaskEndpoint second = cluster.ensureIngressEndpoint(nodes.get(1)).orElseThrow();

        assertThat(first.networkId()).isEqualTo(ingress.id());
        assertThat(first.mac()).isEqualTo(MacAddress.toString(MacAddress.fromIpv4(Ipv4Address.parse(first.ip()))));
        assertThat(List.of(first.ip(), second.ip())).doesNotHaveDuplicates()
                .doesNotContain(web.networks().get(0).vip(), cluster.read().tasksOf(web.id()).get(0).endpoints().get(0).ip());
        assertThat(cluster.ensureIngressEndpoint(nodes.get(0))).as("kept").contains(first);
        assertThat(cluster.read().nodeById(nodes.get(1)).orElseThrow().ingress()).isEqualTo(second);
        refused(() -> cluster.ensureIngressEndpoint("nosuchnode"), Reason.NOT_FOUND);
    }

    @Test
    void publishedPortTakenIsRefusedNamingTheService() {
        ClusterFixtures.nodes(store, "w1");
        cluster.init(InitSpec.defaults());
        cluster.createService(ServiceSpec.replicated("web", 1).withPorts(PortRequest.tcp(8080, 80)));

        refused(() -> cluster.createService(ServiceSpec.replicated("api", 1).withPorts(PortRequest.tcp(8080, 8080))),
                Reason.PORT_IN_USE).hasMessage("port 8080/tcp is already published by service web");
        refused(() -> cluster.createService(ServiceSpec.replicated("api", 1)
                .withPorts(new PortRequest(PortProtocol.TCP, 80, 8080, PublishMode.HOST))), Reason.PORT_IN_USE)
                .hasMessage("port 8080/tcp is already published by service web in ingress mode");
        assertThat(cluster.read().services()).extracting(Service::name).containsExactly("web");
    }

    @Test
    void portRangeExhaustionIsRefused() {
        ClusterFixtures.nodes(store, "w1");
        cluster.init(InitSpec.defaults());
        // Fill 30000-32767 with reservations as if services held them.
        for (int from = Allocation.FIRST_DYNAMIC_PORT; from <= Allocation.LAST_DYNAMIC_PORT; from += 100) {
            var txn = io.swarmnet.control.store.Transaction.create();
            for (int p = from; p < from + 100 && p <= Allocation.LAST_DYNAMIC_PORT; p++) {
                txn.put(AllocKeys.ingressPort(PortProtocol.TCP, p), "{}".getBytes());
            }
            store.commit(txn);
        }
        try {
            refused(() -> cluster.createService(ServiceSpec.replicated("web", 1).withPorts(PortRequest.tcp(0, 80))),
                    Reason.PORT_RANGE_EXHAUSTED).hasMessage("no free port left in 30000-32767 for tcp; publish one with published=PORT");
        } finally {
            ClusterFixtures.wipe(store);
        }
    }

    @Test
    void hostPortOnAServiceOfInternalNetworksOnlyIsRefused() {
        ClusterFixtures.nodes(store, "w1");
        cluster.init(InitSpec.defaults());
        cluster.createNetwork(new NetworkSpec("back", null, null, false, true, false, false, 0, Map.of()));
        PortRequest host8080 = new PortRequest(PortProtocol.TCP, 80, 8080, PublishMode.HOST);

        refused(() -> cluster.createService(ServiceSpec.replicated("db", 1).withNetworks(NetworkRequest.of("back"))
                .withPorts(host8080)), Reason.INVALID)
                .hasMessageContaining("cannot publish port 8080/tcp in host mode: every network it joins is internal");
        cluster.createService(ServiceSpec.replicated("db", 1).withNetworks(NetworkRequest.of("back")));
        refused(() -> cluster.updateService("db", new ServiceUpdate(null, null, List.of(host8080), List.of())), Reason.INVALID)
                .hasMessageContaining("every network it joins is internal");
    }

    @Test
    void hostPortIsUniquePerNodeAcrossServices() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2");
        cluster.init(InitSpec.defaults());
        PortRequest host8080 = new PortRequest(PortProtocol.TCP, 80, 8080, PublishMode.HOST);
        Service web = cluster.createService(ServiceSpec.replicated("web", 1).withPorts(host8080));
        String webNode = cluster.read().tasksOf(web.id()).get(0).nodeId();

        Service api = cluster.createService(ServiceSpec.replicated("api", 1).withPorts(host8080));
        assertThat(cluster.read().tasksOf(api.id()).get(0).nodeId()).isNotEqualTo(webNode);

        refused(() -> cluster.createService(ServiceSpec.replicated("third", 1).withPorts(host8080)), Reason.NO_SUITABLE_NODE)
                .hasMessage("no suitable node for third.1: its host-mode port is already published on every ready, active node"
                        + " (w1: 8080/tcp by " + (webNode.equals(nodes.get(0)) ? "web" : "api") + ", w2: 8080/tcp by "
                        + (webNode.equals(nodes.get(0)) ? "api" : "web") + ")");
        refused(() -> cluster.createService(ServiceSpec.replicated("all", 0).withMode(ServiceMode.GLOBAL).withPorts(host8080)),
                Reason.PORT_IN_USE).hasMessageStartingWith("port 8080/tcp is already published on node w1 by service");
        refused(() -> cluster.createService(ServiceSpec.replicated("mesh", 1).withPorts(PortRequest.tcp(8080, 80))),
                Reason.PORT_IN_USE).hasMessageStartingWith("port 8080/tcp is already published in host mode by service");
        // The same port over UDP is another port.
        cluster.createService(ServiceSpec.replicated("dns", 2).withPorts(new PortRequest(PortProtocol.UDP, 53, 8080, PublishMode.HOST)));
    }

    @Test
    void scalingAddsAndRemovesTasksAndFreesTheirAddresses() {
        ClusterFixtures.nodes(store, "w1", "w2");
        cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));
        Service web = cluster.createService(ServiceSpec.replicated("web", 3).withNetworks(NetworkRequest.of("app")));

        cluster.updateService("web", ServiceUpdate.scale(1));
        assertThat(cluster.read().tasksOf(web.id())).extracting(Task::slot).containsExactly(1);
        assertThat(cluster.read().service("web").replicas()).isEqualTo(1);

        cluster.updateService(web.id().substring(0, 6), ServiceUpdate.scale(4));
        List<Task> tasks = cluster.read().tasksOf(web.id());
        assertThat(tasks).extracting(Task::slot).containsExactly(1, 2, 3, 4);
        // Freed addresses are handed out again, lowest first.
        assertThat(tasks).flatExtracting(Task::endpoints).extracting(TaskEndpoint::ip)
                .containsExactlyInAnyOrder("10.0.9.3", "10.0.9.4", "10.0.9.5", "10.0.9.6");
    }

    @Test
    void scalingDownDrainsTheHighestSlotsFirstAndTheUpdateAfterTheGraceRemovesThem() {
        ClusterFixtures.nodes(store, "w1", "w2");
        cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));
        Service web = cluster.createService(ServiceSpec.replicated("web", 4).withNetworks(NetworkRequest.of("app")));
        List<Task> before = cluster.read().tasksOf(web.id());

        List<Task> draining = cluster.drainToReplicas("web", 2);

        assertThat(draining).extracting(Task::slot).containsExactly(3, 4);
        List<Task> during = cluster.read().tasksOf(web.id());
        assertThat(during).extracting(Task::slot, Task::state).containsExactlyInAnyOrder(
                tuple(1, TaskState.RUNNING), tuple(2, TaskState.RUNNING), tuple(3, TaskState.DRAINING), tuple(4, TaskState.DRAINING));
        assertThat(during).as("a draining task keeps its address: its connections go on")
                .flatExtracting(Task::endpoints).isEqualTo(before.stream().flatMap(t -> t.endpoints().stream()).toList());
        assertThat(cluster.read().service("web").replicas()).isEqualTo(2);

        cluster.updateService("web", ServiceUpdate.scale(2));
        assertThat(cluster.read().tasksOf(web.id())).extracting(Task::slot, Task::state)
                .containsExactly(tuple(1, TaskState.RUNNING), tuple(2, TaskState.RUNNING));
    }

    @Test
    void aDrainingTaskScaledBackUpRunsOnAndDrainingNeverScalesUp() {
        ClusterFixtures.nodes(store, "w1");
        Service web = cluster.createService(ServiceSpec.replicated("web", 2));
        String second = cluster.drainToReplicas("web", 1).get(0).id();

        cluster.updateService("web", ServiceUpdate.scale(2));

        assertThat(cluster.read().tasksOf(web.id())).extracting(Task::id, Task::state)
                .contains(tuple(second, TaskState.RUNNING)).hasSize(2);
        refused(() -> cluster.drainToReplicas("web", 3), Reason.INVALID).hasMessage("draining scales down: 3 is not 0-2");
    }

    @Test
    void globalServiceRunsOneTaskPerReadyActiveNode() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2", "w3");
        ClusterFixtures.availability(store, nodes.get(2), NodeAvailability.DRAIN);

        Service agent = cluster.createService(ServiceSpec.replicated("agent", 0).withMode(ServiceMode.GLOBAL));

        assertThat(cluster.read().tasksOf(agent.id())).extracting(Task::nodeId, Task::slot)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(nodes.get(0), 0),
                        org.assertj.core.groups.Tuple.tuple(nodes.get(1), 0));
        refused(() -> cluster.updateService("agent", ServiceUpdate.scale(3)), Reason.INVALID)
                .hasMessage("replicas can only be used with replicated mode");
    }

    @Test
    void removingAServiceFreesEverythingSoItsNetworkCanGo() {
        ClusterFixtures.nodes(store, "w1", "w2");
        cluster.init(InitSpec.defaults());
        cluster.createNetwork(NetworkSpec.named("app"));
        cluster.createService(ServiceSpec.replicated("web", 2).withNetworks(NetworkRequest.of("app"))
                .withPorts(PortRequest.tcp(8080, 80), new PortRequest(PortProtocol.UDP, 53, 5353, PublishMode.HOST)));

        refused(() -> cluster.removeNetwork("app"), Reason.IN_USE).hasMessage("network app is in use by service web");
        refused(() -> cluster.removeNetwork("ingress"), Reason.IN_USE).hasMessage("network ingress is in use by service web");

        assertThat(cluster.removeService("web").name()).isEqualTo("web");
        assertThat(cluster.read().tasks()).isEmpty();
        assertThat(cluster.removeNetwork("app").name()).isEqualTo("app");
        assertThat(cluster.read().under(AllocKeys.IPS).keySet()).singleElement().asString().endsWith("/10.0.0.1");
        assertThat(cluster.read().under(AllocKeys.INGRESS_PORTS)).isEmpty();
        assertThat(cluster.read().under(AllocKeys.HOST_PORTS)).isEmpty();
    }

    @Test
    void publishAddJoinsTheIngressNetworkAndPublishRmLeavesIt() {
        ClusterFixtures.nodes(store, "w1", "w2");
        Network ingress = cluster.init(InitSpec.defaults());
        cluster.createNetwork(NetworkSpec.named("app"));
        Service web = cluster.createService(ServiceSpec.replicated("web", 2).withNetworks(NetworkRequest.of("app")));

        Service published = cluster.updateService("web", new ServiceUpdate(null, null, List.of(PortRequest.tcp(8080, 80)), List.of()));
        assertThat(published.networks()).extracting(NetworkAttachment::networkId).startsWith(ingress.id());
        assertThat(cluster.read().tasksOf(web.id())).allSatisfy(t ->
                assertThat(t.endpoints()).extracting(TaskEndpoint::networkId).startsWith(ingress.id()));

        Service withdrawn = cluster.updateService("web", new ServiceUpdate(null, null, List.of(),
                List.of(new PortRequest(null, 80, 0, null))));
        assertThat(withdrawn.ports()).isEmpty();
        assertThat(withdrawn.networks()).extracting(NetworkAttachment::networkId).doesNotContain(ingress.id());
        assertThat(cluster.read().tasksOf(web.id())).allSatisfy(t -> assertThat(t.endpoints()).hasSize(1));
        refused(() -> cluster.updateService("web", new ServiceUpdate(null, null, List.of(), List.of(PortRequest.tcp(9090, 90)))),
                Reason.NOT_FOUND).hasMessage("service web publishes no port matching 9090:90/tcp");
    }

    @Test
    void hostPortAddedLaterIsReservedOnEveryTasksNode() {
        List<String> nodes = ClusterFixtures.nodes(store, "w1", "w2");
        cluster.createService(ServiceSpec.replicated("web", 2));
        cluster.createService(ServiceSpec.replicated("api", 1).withPorts(new PortRequest(PortProtocol.TCP, 80, 9000, PublishMode.HOST)));

        refused(() -> cluster.updateService("web", new ServiceUpdate(null, null,
                List.of(new PortRequest(PortProtocol.TCP, 80, 9000, PublishMode.HOST)), List.of())), Reason.PORT_IN_USE)
                .hasMessageMatching("port 9000/tcp is already published on node w[12] by service api");
        Service web = cluster.updateService("web", new ServiceUpdate(null, null,
                List.of(new PortRequest(PortProtocol.TCP, 80, 9001, PublishMode.HOST)), List.of()));
        assertThat(cluster.read().under(AllocKeys.HOST_PORTS).keySet())
                .contains(AllocKeys.hostPort(nodes.get(0), PortProtocol.TCP, 9001), AllocKeys.hostPort(nodes.get(1), PortProtocol.TCP, 9001));
        assertThat(web.ports()).hasSize(1);
    }

    @Test
    void dnsrrServicesHaveNoVipAndCannotPublishThroughTheMesh() {
        ClusterFixtures.nodes(store, "w1");
        cluster.init(InitSpec.defaults());
        cluster.createNetwork(NetworkSpec.named("app"));
        Service db = cluster.createService(ServiceSpec.replicated("db", 1).withEndpointMode(EndpointMode.DNSRR)
                .withNetworks(NetworkRequest.of("app")));
        assertThat(db.networks()).extracting(NetworkAttachment::vip).containsOnlyNulls();

        refused(() -> cluster.createService(ServiceSpec.replicated("x", 1).withEndpointMode(EndpointMode.DNSRR)
                .withPorts(PortRequest.tcp(80, 80))), Reason.INVALID)
                .hasMessage("port published with ingress mode can't be used with dnsrr mode");
        Service vip = cluster.updateService("db", new ServiceUpdate(null, EndpointMode.VIP, List.of(), List.of()));
        assertThat(vip.networks()).extracting(NetworkAttachment::vip).doesNotContainNull();
    }

    @Test
    void unknownOrIngressOrAmbiguousReferencesAreRefused() {
        ClusterFixtures.nodes(store, "w1");
        cluster.init(InitSpec.defaults());

        refused(() -> cluster.createService(ServiceSpec.replicated("web", 1).withNetworks(NetworkRequest.of("nope"))),
                Reason.NOT_FOUND).hasMessage("network nope not found");
        refused(() -> cluster.createService(ServiceSpec.replicated("web", 1).withNetworks(NetworkRequest.of("ingress"))),
                Reason.INVALID).hasMessage("service cannot be explicitly attached to the ingress network \"ingress\"");
        refused(() -> cluster.removeService("nope"), Reason.NOT_FOUND).hasMessage("No such service: nope");
        refused(() -> cluster.updateService("nope", ServiceUpdate.scale(1)), Reason.NOT_FOUND).hasMessage("No such service: nope");
        cluster.createService(ServiceSpec.replicated("web", 0));
        cluster.createService(ServiceSpec.replicated("api", 0));
        // Two 25-character base-36 ids share a one-character prefix often enough: "" always matches both.
        List<String> ids = cluster.read().services().stream().map(Service::id).toList();
        String common = commonPrefix(ids.get(0), ids.get(1));
        if (!common.isEmpty()) {
            refused(() -> cluster.read().service(common), Reason.AMBIGUOUS).hasMessageContaining("is ambiguous (2 matches found)");
        }
        refused(() -> cluster.read().service(""), Reason.INVALID);
    }

    private static String commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return a.substring(0, i);
    }

    @Test
    void lastAddressOfASmallSubnetRunsOutCleanly() {
        ClusterFixtures.nodes(store, "w1");
        cluster.createNetwork(NetworkSpec.named("tiny").withSubnet("10.0.9.0/30"));

        refused(() -> cluster.createService(ServiceSpec.replicated("web", 1).withNetworks(NetworkRequest.of("tiny"))),
                Reason.POOL_EXHAUSTED).hasMessage("network tiny has no free address left in 10.0.9.0/30");
        assertThat(cluster.read().services()).isEmpty();
        Service dnsrr = cluster.createService(ServiceSpec.replicated("web", 1).withEndpointMode(EndpointMode.DNSRR)
                .withNetworks(NetworkRequest.of("tiny")));
        assertThat(cluster.read().tasksOf(dnsrr.id()).get(0).endpoints().get(0).ip()).isEqualTo("10.0.9.2");
    }

    @Test
    void serviceTooBigForOneTransactionIsPlacedInSeveral() {
        ClusterFixtures.nodes(store, "w1", "w2", "w3");
        cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.8.0/23"));
        cluster.createNetwork(NetworkSpec.named("back").withSubnet("10.0.10.0/23"));

        Service web = cluster.createService(ServiceSpec.replicated("web", 150)
                .withNetworks(NetworkRequest.of("app"), NetworkRequest.of("back")));

        assertThat(cluster.read().tasksOf(web.id())).hasSize(150);
        Map<String, Long> perNode = cluster.read().tasksOf(web.id()).stream()
                .collect(Collectors.groupingBy(Task::nodeId, Collectors.counting()));
        assertThat(perNode.values()).containsOnly(50L);
        cluster.updateService("web", ServiceUpdate.scale(10));
        assertThat(cluster.read().tasksOf(web.id())).hasSize(10);
        cluster.removeService("web");
        assertThat(cluster.read().tasks()).isEmpty();
    }

    @Test
    void snapshotListsRecordsInNameOrder() {
        ClusterFixtures.nodes(store, "w2", "w1");
        cluster.createNetwork(NetworkSpec.named("b"));
        cluster.createNetwork(NetworkSpec.named("a"));

        ClusterSnapshot snap = cluster.read();
        assertThat(snap.networks()).extracting(Network::name).containsExactly("a", "b");
        assertThat(snap.nodes()).extracting(n -> n.node().hostname()).containsExactly("w1", "w2");
        assertThat(snap.nodes()).extracting(n -> n.state().label()).containsOnly("ready");
        assertThat(snap.under(Keys.ALLOC)).isNotEmpty();
        Function<String, Network> byName = snap::network;
        assertThat(byName.apply("a").name()).isEqualTo("a");
    }
}
