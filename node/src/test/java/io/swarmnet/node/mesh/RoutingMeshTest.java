package io.swarmnet.node.mesh;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.ingress;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.port;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.PublishMode;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The mesh's reconciler against a fake kernel: what it opens, writes and removes, and how it retries. */
class RoutingMeshTest {
    private static final int INGRESS_VNI = 4096;
    private static final int MTU = 1450;

    /** Records every change; fails {@code replaceTable} while {@code failing} is set. */
    private static final class FakeKernel implements MeshKernel {
        final List<String> calls = new ArrayList<>();
        final List<String> tables = new ArrayList<>();
        boolean failing;

        @Override
        public IngressEndpoint openIngress(int vni, int ip, int prefix, int mtu) {
            calls.add("open " + Ipv4Address.toString(ip) + "/" + prefix + " vni " + vni + " mtu " + mtu);
            return new IngressEndpoint(vni, ip, prefix, MacAddress.fromIpv4(ip), mtu, null);
        }

        @Override
        public void closeIngress(IngressEndpoint endpoint) {
            calls.add("close " + Ipv4Address.toString(endpoint.ip()));
        }

        @Override
        public void replaceTable(String body) throws IOException {
            if (failing) {
                throw new IOException("nft: Operation not permitted");
            }
            calls.add("table");
            tables.add(body);
        }

        @Override
        public void deleteTable() {
            calls.add("delete table");
        }

        @Override
        public void close() {
            calls.add("closed");
        }
    }

    private static ClusterView.Editor cluster(boolean withEndpoint) {
        return ClusterView.EMPTY.edit()
                .put(withEndpoint ? node("n1", "192.0.2.11").withIngress(at("ingress", "10.0.0.101")) : node("n1", "192.0.2.11"), 1)
                .alive("n1", 1)
                .put(ingress("ingress", INGRESS_VNI, "10.0.0.0/24"), 1)
                .put(service("web", EndpointMode.VIP, List.of(port(8000, 80, PublishMode.INGRESS)), on("ingress", "10.0.0.2")), 1)
                .put(task("w1", "web", 1, "n1", at("ingress", "10.0.0.3")), 1);
    }

    private static void reconcile(RoutingMesh mesh, ClusterView view) {
        mesh.reconcile(view, DesiredTables.build(view, "n1", Set.of()), Map.of());
    }

    @Test
    void opensTheIngressEndpointAndWritesTheTableOnceForUnchangedTables() {
        FakeKernel kernel = new FakeKernel();
        RoutingMesh mesh = new RoutingMesh("n1", kernel, null, true, MTU);
        ClusterView view = cluster(true).build(5);

        reconcile(mesh, view);
        reconcile(mesh, view);

        assertThat(kernel.calls).containsExactly("open 10.0.0.101/24 vni 4096 mtu 1450", "table");
        assertThat(kernel.tables.get(0)).contains("tcp dport 8000 dnat to 10.0.0.2:80", "masquerade");
        assertThat(mesh.localPorts()).hasSize(1);
    }

    @Test
    void withoutAnEndpointYetIngressPortsWaitAndNoTapIsOpened() {
        FakeKernel kernel = new FakeKernel();
        RoutingMesh mesh = new RoutingMesh("n1", kernel, null, true, MTU);

        reconcile(mesh, cluster(false).build(5));

        assertThat(kernel.calls).containsExactly("table");
        assertThat(kernel.tables.get(0)).doesNotContain("dport 8000").doesNotContain("masquerade");
        assertThat(mesh.localPorts()).isEmpty();
    }

    @Test
    void aRefusedTableIsWrittenAtTheNextReconcile() {
        FakeKernel kernel = new FakeKernel();
        RoutingMesh mesh = new RoutingMesh("n1", kernel, null, true, MTU);
        ClusterView view = cluster(true).build(5);
        kernel.failing = true;

        reconcile(mesh, view);
        kernel.failing = false;
        reconcile(mesh, view);

        assertThat(kernel.calls).containsExactly("open 10.0.0.101/24 vni 4096 mtu 1450", "table");
    }

    @Test
    void anEndpointThatMovesIsReplacedAndCloseRemovesEverything() {
        FakeKernel kernel = new FakeKernel();
        RoutingMesh mesh = new RoutingMesh("n1", kernel, null, true, MTU);
        reconcile(mesh, cluster(true).build(5));

        reconcile(mesh, cluster(true).put(node("n1", "192.0.2.11").withIngress(at("ingress", "10.0.0.102")), 6).build(6));
        mesh.close();
        mesh.close();

        assertThat(kernel.calls).containsExactly("open 10.0.0.101/24 vni 4096 mtu 1450", "table",
                "close 10.0.0.101", "open 10.0.0.102/24 vni 4096 mtu 1450",
                "delete table", "close 10.0.0.102", "closed");
    }
}
