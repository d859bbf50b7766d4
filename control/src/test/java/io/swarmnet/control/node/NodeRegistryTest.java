package io.swarmnet.control.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeAvailability;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.KeyValue;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Lease;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.testing.EtcdFixture;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class NodeRegistryTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    private static EtcdStore store;
    private static NodeRegistry registry;

    @BeforeAll
    static void connect() {
        store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(5));
        registry = new NodeRegistry(store);
    }

    @AfterAll
    static void disconnect() {
        if (store != null) {
            store.close();
        }
    }

    private static Node newNode(String hostname, NodeRole role) {
        return Node.of(NodeId.generate(), hostname, role, "192.0.2.21");
    }

    private static Lease lease() {
        return store.grant(Duration.ofSeconds(30), () -> { });
    }

    @Test
    void managerIsTheNodeWhoseAddressHostsAMember() {
        List<URI> members = List.of(URI.create("http://192.0.2.11:2379"), URI.create("http://[fd00::12]:2379"));

        assertThat(NodeRegistry.roleFor("192.0.2.11", members)).isEqualTo(NodeRole.MANAGER);
        assertThat(NodeRegistry.roleFor("FD00::12", members)).isEqualTo(NodeRole.MANAGER);
        assertThat(NodeRegistry.roleFor("192.0.2.21", members)).isEqualTo(NodeRole.WORKER);
        assertThat(NodeRegistry.roleFor("192.0.2.1", members)).isEqualTo(NodeRole.WORKER);
    }

    @Test
    void registerWritesTheRecordAndTheLeasedLivenessKeyAtOneRevision() {
        Node node = newNode("w1", NodeRole.WORKER);
        try (Lease lease = lease()) {
            registry.register(node, lease.id());

            KeyValue record = store.get(Keys.node(node.id())).orElseThrow();
            KeyValue alive = store.get(Keys.nodeAlive(node.id())).orElseThrow();
            assertThat(ModelJson.read(record.value(), Node.class)).isEqualTo(node);
            assertThat(record.leaseId()).isZero();
            assertThat(alive.leaseId()).isEqualTo(lease.id());
            assertThat(alive.modRevision()).isEqualTo(record.modRevision());
            assertThat(alive.valueAsString()).startsWith("{\"version\":1,\"since\":\"");
            lease.revoke();
        }
    }

    @Test
    void registeringAgainUpdatesTheAgentsFieldsButKeepsTheOperatorsAvailabilityAndWeight() {
        Node node = newNode("old-name", NodeRole.WORKER);
        store.put(Keys.node(node.id()), ModelJson.write(node.withAvailability(NodeAvailability.DRAIN).withLbWeight(4)));
        Node renamed = Node.of(node.id(), "new-name", NodeRole.MANAGER, "192.0.2.11");
        try (Lease lease = lease()) {
            Node stored = registry.register(renamed, lease.id());

            assertThat(stored).isEqualTo(renamed.withAvailability(NodeAvailability.DRAIN).withLbWeight(4));
            assertThat(registry.get(node.id())).contains(stored);
            lease.revoke();
        }
    }

    @Test
    void listShowsANodeReadyWhileItsLeaseLivesAndDownAfterwards() {
        Node node = newNode("w2", NodeRole.WORKER);
        Lease lease = lease();
        registry.register(node, lease.id());

        assertThat(registry.list()).contains(new NodeStatus(node, NodeState.READY));
        lease.revoke();
        assertThat(registry.list()).contains(new NodeStatus(node, NodeState.DOWN));
    }

    @Test
    void listSkipsARecordThatIsNotANode() {
        String bad = NodeId.generate();
        store.put(Keys.node(bad), "{garbage".getBytes(UTF_8));

        assertThat(registry.list()).extracting(s -> s.node().id()).doesNotContain(bad);
        store.delete(Keys.node(bad));
    }

    @Test
    void sessionRegistersAgainWhenItsLeaseIsLostAndRevokesOnClose() throws Exception {
        Node node = newNode("w3", NodeRole.WORKER);
        NodeSession session = new NodeSession(store, node, Duration.ofSeconds(5), () -> { });
        try {
            session.start();
            long firstLease = store.get(Keys.nodeAlive(node.id())).orElseThrow().leaseId();
            assertThat(session.healthy()).isTrue();

            // What a long outage does: the lease ends in the store while the agent lives on.
            try (Client other = Client.builder().endpoints(URI.create(ETCD.clientUrl())).build()) {
                other.getLeaseClient().revoke(firstLease).get(5, TimeUnit.SECONDS);
            }

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            long lease = firstLease;
            while (System.nanoTime() < deadline && (lease == firstLease || !session.healthy())) {
                Thread.sleep(100);
                lease = store.get(Keys.nodeAlive(node.id())).map(KeyValue::leaseId).orElse(firstLease);
            }
            assertThat(lease).isNotEqualTo(firstLease);
            assertThat(session.healthy()).isTrue();
        } finally {
            session.close();
        }
        assertThat(session.healthy()).isFalse();
        assertThat(store.get(Keys.nodeAlive(node.id()))).isEmpty();
        assertThat(registry.get(node.id())).isPresent();
    }
}
