package io.swarmnet.node.reconcile;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.DnsKey;
import io.swarmnet.control.tables.DnsRecord;
import io.swarmnet.control.tables.Table;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.control.view.ViewUpdate;
import io.swarmnet.lb.table.Backend;
import io.swarmnet.lb.table.ServiceTable;
import io.swarmnet.lb.table.VirtualServer;
import io.swarmnet.node.api.ApiException;
import io.swarmnet.node.overlay.LocalPort;
import io.swarmnet.node.overlay.OverlayMetrics;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.MacAddress;
import io.swarmnet.vxlan.fdb.NetworkTable;
import io.swarmnet.vxlan.fdb.OverlayTables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-plane reconciler against in-memory targets on a manual clock: what each target
 * holds after a pass, how a failure is retried with backoff, what prune and restore do.
 */
class DataPlaneReconcilerTest {
    private static final int FRONT = 4097;
    private static final int BACK = 4098;
    private static final int UNDERLAY_MTU = 1500;
    private static final int N2 = ip("192.0.2.22");
    private static final Path NS_W1 = Path.of("/run/netns/w1");
    private static final Path NS_W3 = Path.of("/run/netns/w3");
    private static final Path NS_GONE = Path.of("/run/netns/gone");

    @TempDir
    Path dir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeTaskNamespaces tasks = new FakeTaskNamespaces();
    private final RecordingTarget<MeshInput> mesh = new RecordingTarget<>();
    private final RecordingTarget<OverlayTables> overlayHeld = new RecordingTarget<>();
    private final FaultyTarget<OverlayTables> overlay = new FaultyTarget<>(overlayHeld);
    private final RecordingTarget<ServiceTable> services = new RecordingTarget<>();
    private final RecordingTarget<Table<DnsKey, DnsRecord>> dns = new RecordingTarget<>();
    private final RecordingTarget<Set<String>> gwbridge = new RecordingTarget<>();
    private final DesiredTablesPublisher publisher = new DesiredTablesPublisher("self");
    private AttachmentStateFile stateFile;
    private DataPlaneReconciler reconciler;
    private ClusterView last = ClusterView.EMPTY;

    private static int ip(String text) {
        return Ipv4Address.parse(text);
    }

    private static long mac(String ip) {
        return MacAddress.fromIpv4(ip(ip));
    }

    /** Node self and n2, ready; service web on front with w1 here and w2 on n2. */
    private static ClusterView.Editor cluster() {
        return ClusterView.EMPTY.edit()
                .put(node("self", "192.0.2.11"), 1).alive("self", 1)
                .put(node("n2", "192.0.2.22"), 1).alive("n2", 1)
                .put(network("front", FRONT, "10.0.9.0/24"), 1)
                .put(service("web", on("front", "10.0.9.2")), 1)
                .put(task("w1", "web", 1, "self", at("front", "10.0.9.3")), 1)
                .put(task("w2", "web", 2, "n2", at("front", "10.0.9.4")), 1);
    }

    /** The cluster with network back, service db on it and its task w3 on {@code w3Node}. */
    private static ClusterView.Editor withBack(String w3Node) {
        return cluster()
                .put(network("back", BACK, "10.0.8.0/24"), 2)
                .put(service("db", on("back", "10.0.8.2")), 2)
                .put(task("w3", "db", 1, w3Node, at("back", "10.0.8.3")), 2);
    }

    private DataPlaneReconciler start(List<AttachmentStateFile.Entry> leftovers) {
        stateFile = new AttachmentStateFile(dir.resolve("attachments.json"));
        reconciler = new DataPlaneReconciler("self", publisher,
                new DataPlaneTargets(tasks, mesh, List::<LocalPort>of, overlay, services, dns, gwbridge),
                stateFile, leftovers, scheduler, new Backoff(Backoff.INITIAL, Backoff.MAX), UNDERLAY_MTU);
        return reconciler;
    }

    /** Delivers {@code view} as the watcher would and runs the pass it asks for. */
    private void update(ClusterView view) {
        reconciler.onUpdate(new ViewUpdate(last, view, List.of(), ViewUpdate.Cause.EVENTS));
        last = view;
        scheduler.runDue();
    }

    private Attachment attach(String taskId, Path netns) throws IOException {
        tasks.namespaces.add(netns);
        return reconciler.attach(AttachmentPlanner.plan(last.task(taskId).orElseThrow(), last, netns, UNDERLAY_MTU));
    }

    /** Every backend of the table, as "service vip -> backend where". */
    private static List<String> backends(ServiceTable table) {
        List<String> rows = new ArrayList<>();
        for (VirtualServer vs : table.services()) {
            for (Backend b : vs.backends()) {
                rows.add(vs.name() + " " + Ipv4Address.toString(vs.vip()) + " -> " + Ipv4Address.toString(b.ip())
                        + (b.localPort() != Backend.REMOTE ? " port " + b.localPort() : " via " + Ipv4Address.toString(b.vtep())));
            }
        }
        return rows;
    }

    private static List<Integer> vnis(OverlayTables tables) {
        return tables.networks().stream().map(NetworkTable::vni).sorted().toList();
    }

    private List<String> saved() {
        return stateFile.load().stream().map(e -> e.taskId() + "@" + e.netns()).toList();
    }

    private String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void appliesEveryTargetFromEmpty() {
        start(List.of());

        update(cluster().build(1));

        assertThat(overlayHeld.applied).hasSize(1);
        OverlayTables tables = overlayHeld.last();
        assertThat(tables.peers()).containsExactly(N2);
        assertThat(vnis(tables)).containsExactly(FRONT);
        NetworkTable front = tables.network(FRONT);
        assertThat(front.localPortCount()).isZero();
        assertThat(front.remoteVtep(mac("10.0.9.4"))).isEqualTo(N2);
        assertThat(front.arpMac(ip("10.0.9.3"))).isEqualTo(mac("10.0.9.3"));
        // w1 runs here but is not attached yet: no new flow may go to a port that is not there.
        assertThat(backends(services.last())).containsExactly("web 10.0.9.2 -> 10.0.9.4 via 192.0.2.22");
        assertThat(dns.last()).isSameAs(publisher.current().dns());
        assertThat(dns.last().entries()).containsKey(new DnsKey("front", "web"));
        assertThat(mesh.last().desired()).isSameAs(publisher.current());
        assertThat(mesh.last().gwAddresses()).isEmpty();
        assertThat(gwbridge.applied).containsExactly(Set.of());
        assertThat(tasks.calls).isEmpty();
        assertThat(reconciler.outOfSync()).isEmpty();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void attachingPublishesTheTaskAsALocalPortAndBackend() throws IOException {
        start(List.of());
        update(cluster().build(1));

        Attachment w1 = attach("w1", NS_W1);

        assertThat(tasks.calls).containsExactly("plumb w1");
        assertThat(w1.localPorts()).containsExactly(new LocalPort(FRONT, mac("10.0.9.3"), 1));
        assertThat(overlayHeld.last().network(FRONT).localPort(mac("10.0.9.3"))).isEqualTo(1);
        assertThat(backends(services.last())).containsExactlyInAnyOrder(
                "web 10.0.9.2 -> 10.0.9.3 port 1", "web 10.0.9.2 -> 10.0.9.4 via 192.0.2.22");
        assertThat(mesh.last().gwAddresses()).containsEntry("w1", FakeTaskNamespaces.GATEWAY + 1);
        assertThat(saved()).containsExactly("w1@" + NS_W1);
    }

    @Test
    void attachIsIdempotentAndDetachingAnAbsentTaskIsNoError() throws IOException {
        start(List.of());
        update(cluster().build(1));

        Attachment first = attach("w1", NS_W1);
        Attachment again = attach("w1", NS_W1);
        boolean absent = reconciler.detach("w9");
        boolean detached = reconciler.detach("w1");
        boolean twice = reconciler.detach("w1");

        assertThat(again).isSameAs(first);
        assertThat(absent).isFalse();
        assertThat(detached).isTrue();
        assertThat(twice).isFalse();
        assertThat(tasks.calls).containsExactly("plumb w1", "removeLeftovers w9", "unplumb w1", "removeLeftovers w1");
        assertThat(overlayHeld.last().network(FRONT).localPortCount()).isZero();
        assertThat(saved()).isEmpty();
    }

    @Test
    void aNetworkAndABackendComeAndGoWithTheView() throws IOException {
        start(List.of());
        update(cluster().build(1));
        attach("w1", NS_W1);

        // w2 leaves (a backend less); back, db and w3 arrive here (a network more).
        update(withBack("self").remove(RecordKind.TASK, "w2", 2).build(2));
        assertThat(vnis(overlayHeld.last())).containsExactly(FRONT, BACK);
        assertThat(overlayHeld.last().network(FRONT).remoteVtep(mac("10.0.9.4"))).isEqualTo(NetworkTable.NO_VTEP);
        assertThat(backends(services.last())).containsExactly("web 10.0.9.2 -> 10.0.9.3 port 1");

        // back goes again; w4 on n2 is a new backend of web.
        update(cluster().remove(RecordKind.TASK, "w2", 3)
                .put(task("w4", "web", 3, "n2", at("front", "10.0.9.5")), 3).build(3));
        assertThat(vnis(overlayHeld.last())).containsExactly(FRONT);
        assertThat(backends(services.last())).containsExactlyInAnyOrder(
                "web 10.0.9.2 -> 10.0.9.3 port 1", "web 10.0.9.2 -> 10.0.9.5 via 192.0.2.22");
        assertThat(tasks.calls).containsExactly("plumb w1");
    }

    @Test
    void aFailedApplyIsRetriedWithBackoffUntilItSucceeds() throws IOException {
        start(List.of());
        PrometheusRegistry registry = new PrometheusRegistry();
        OverlayMetrics.register(registry, reconciler);
        overlay.faults.failNext(2, new IOException("publish refused"));

        update(cluster().build(1));
        assertThat(overlayHeld.applied).isEmpty();
        assertThat(reconciler.outOfSync()).containsExactly(TargetName.OVERLAY);
        assertThat(scrape(registry)).contains("swarmnet_dataplane_targets_out_of_sync 1.0");

        scheduler.advance(Duration.ofMillis(99));
        assertThat(reconciler.failures(TargetName.OVERLAY)).isEqualTo(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(reconciler.failures(TargetName.OVERLAY)).isEqualTo(2);
        assertThat(overlayHeld.applied).isEmpty();

        scheduler.advance(Duration.ofMillis(199));
        assertThat(overlayHeld.applied).isEmpty();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(overlayHeld.applied).hasSize(1);
        assertThat(overlayHeld.last().version()).isEqualTo(3);
        assertThat(vnis(overlayHeld.last())).containsExactly(FRONT);
        assertThat(overlayHeld.last().peers()).containsExactly(N2);
        assertThat(reconciler.outOfSync()).isEmpty();
        assertThat(reconciler.failures(TargetName.OVERLAY)).isEqualTo(2);
        assertThat(reconciler.failures(TargetName.SERVICES)).isZero();
        assertThat(scheduler.pending()).isZero();
        String metrics = scrape(registry);
        assertThat(metrics).contains("swarmnet_dataplane_apply_failures_total{target=\"overlay\"} 2.0",
                "swarmnet_dataplane_apply_failures_total{target=\"dns\"} 0.0",
                "swarmnet_dataplane_targets_out_of_sync 0.0");

        // A success starts the backoff over: the next failure is retried after 100 ms again.
        overlay.faults.failNext(1, new IllegalStateException("a bug in a target"));
        update(cluster().build(2));
        scheduler.advance(Duration.ofMillis(100));
        assertThat(overlayHeld.applied).hasSize(2);
        assertThat(reconciler.failures(TargetName.OVERLAY)).isEqualTo(3);
        assertThat(reconciler.outOfSync()).isEmpty();
    }

    @Test
    void pruneDetachesTasksWhoseNamespaceIsGoneOrThatMoved() throws IOException {
        start(List.of());
        update(withBack("self").build(2));
        attach("w1", NS_W1);
        attach("w3", NS_W3);
        assertThat(vnis(overlayHeld.last())).containsExactly(FRONT, BACK);

        tasks.namespaces.remove(NS_W1);
        reconciler.requestPass();
        scheduler.runDue();
        assertThat(tasks.calls).containsExactly("plumb w1", "plumb w3", "unplumb w1");
        assertThat(overlayHeld.last().network(FRONT).localPortCount()).isZero();
        assertThat(saved()).containsExactly("w3@" + NS_W3);

        update(withBack("n2").build(3));
        assertThat(tasks.calls).containsExactly("plumb w1", "plumb w3", "unplumb w1", "unplumb w3");
        assertThat(reconciler.attachedTasks()).isZero();
        assertThat(saved()).isEmpty();
        // back is in this node's tables only while a task of it runs here.
        assertThat(vnis(overlayHeld.last())).containsExactly(FRONT);
        assertThat(overlayHeld.last().network(FRONT).remoteVtep(mac("10.0.9.4"))).isEqualTo(N2);
    }

    @Test
    void aFailedDetachIsRetriedAndItsPortsAreNoLongerPublished() throws IOException {
        start(List.of());
        update(cluster().build(1));
        attach("w1", NS_W1);
        tasks.namespaces.remove(NS_W1);
        tasks.faults.failNext(1, new IOException("tap busy"));

        reconciler.requestPass();
        scheduler.runDue();
        assertThat(reconciler.outOfSync()).containsExactly(TargetName.TASKS);
        assertThat(overlayHeld.last().network(FRONT).localPortCount()).isZero();
        assertThat(backends(services.last())).containsExactly("web 10.0.9.2 -> 10.0.9.4 via 192.0.2.22");

        scheduler.advance(Duration.ofMillis(100));
        assertThat(tasks.calls).containsExactly("plumb w1", "unplumb w1", "unplumb w1");
        assertThat(reconciler.outOfSync()).isEmpty();
        assertThat(reconciler.failures(TargetName.TASKS)).isEqualTo(1);
    }

    @Test
    void restoreAdoptsWhatIsRealisedReplumbsTheRestAndForgetsTasksNoLongerHere() throws IOException {
        AttachmentStateFile previous = new AttachmentStateFile(dir.resolve("attachments.json"));
        previous.save(List.of(new AttachmentStateFile.Entry("w1", NS_W1.toString()),
                new AttachmentStateFile.Entry("w3", NS_W3.toString()),
                new AttachmentStateFile.Entry("gone", NS_GONE.toString())));
        tasks.namespaces.addAll(List.of(NS_W1, NS_W3, NS_GONE));
        tasks.leftByLastRun.add("w1");
        start(previous.load());

        reconciler.reconcile();
        assertThat(tasks.calls).as("nothing is restored before the first view").isEmpty();
        assertThat(gwbridge.applied).isEmpty();

        update(withBack("self").build(2));

        assertThat(tasks.calls).containsExactly("adopt w1", "adopt w3", "plumb w3");
        assertThat(gwbridge.applied).containsExactly(Set.of("w1", "w3"));
        assertThat(saved()).containsExactly("w1@" + NS_W1, "w3@" + NS_W3);
        assertThat(overlayHeld.last().network(FRONT).localPort(mac("10.0.9.3"))).isEqualTo(1);
        assertThat(overlayHeld.last().network(BACK).localPort(mac("10.0.8.3"))).isEqualTo(2);
        assertThat(reconciler.outOfSync()).isEmpty();

        update(withBack("self").build(3));
        assertThat(tasks.calls).as("restore runs once").hasSize(3);
        assertThat(gwbridge.applied).hasSize(1);
    }

    @Test
    void aRestoreThatFailsKeepsTheTaskInTheStateFileAndIsRetried() throws IOException {
        tasks.namespaces.add(NS_W1);
        tasks.faults.failNext(1, new IOException("netns busy"));
        start(List.of(new AttachmentStateFile.Entry("w1", NS_W1.toString())));

        update(cluster().build(1));
        assertThat(saved()).containsExactly("w1@" + NS_W1);
        assertThat(gwbridge.applied).containsExactly(Set.of("w1"));
        assertThat(reconciler.outOfSync()).containsExactly(TargetName.TASKS);
        assertThat(reconciler.attachedTasks()).isZero();

        scheduler.advance(Duration.ofMillis(100));
        assertThat(tasks.calls).containsExactly("adopt w1", "plumb w1", "adopt w1", "plumb w1");
        assertThat(reconciler.attachedTasks()).isEqualTo(1);
        assertThat(reconciler.outOfSync()).isEmpty();
        assertThat(overlayHeld.last().network(FRONT).localPort(mac("10.0.9.3"))).isEqualTo(1);
    }

    @Test
    void anAttachWhileARestoreIsPendingWinsAndIsNotPlumbedTwice() throws IOException {
        tasks.namespaces.add(NS_W1);
        tasks.faults.failNext(1, new IOException("netns busy"));
        start(List.of(new AttachmentStateFile.Entry("w1", NS_W1.toString())));
        update(cluster().build(1));

        attach("w1", NS_W1);
        scheduler.advance(Duration.ofMillis(100));

        assertThat(tasks.calls).containsExactly("adopt w1", "plumb w1", "plumb w1");
        assertThat(saved()).containsExactly("w1@" + NS_W1);
        assertThat(reconciler.outOfSync()).isEmpty();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void closedItRunsNoPassAndRefusesAttaches() {
        start(List.of());
        reconciler.close();

        update(cluster().build(1));

        assertThat(overlayHeld.applied).isEmpty();
        assertThatThrownBy(() -> attach("w1", NS_W1)).isInstanceOf(ApiException.class).hasMessageContaining("stopping");
    }
}
