package io.swarmnet.control.watch;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.etcd.jetcd.Client;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Lease;
import io.swarmnet.control.store.LeaseListener;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.tables.Backend;
import io.swarmnet.control.tables.DesiredTables;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.VirtualService;
import io.swarmnet.control.testing.EtcdFixture;
import io.swarmnet.control.testing.TcpProxy;
import io.swarmnet.control.view.ChangeType;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.control.view.ViewChange;
import io.swarmnet.control.view.ViewUpdate;
import io.swarmnet.packet.Ipv4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watcher against a real single-member etcd, one fresh etcd per test. */
@Tag("privileged")
@Timeout(60)
class ClusterWatcherTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcherTest.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int VNI = 4096;

    private EtcdFixture etcd;
    private EtcdStore writer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = new EtcdFixture();
        etcd.start();
        writer = EtcdStore.connect(StoreAddress.parse(etcd.storeUrl()), TIMEOUT);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        writer.close();
        etcd.close();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeables.add(c);
        return c;
    }

    private ClusterWatcher watcher(String endpoint, Recorder recorder) {
        EtcdStore store = closing(EtcdStore.connect(StoreAddress.parse("etcd://" + endpoint), TIMEOUT));
        ClusterWatcher watcher = closing(new ClusterWatcher(store));
        watcher.addListener(recorder);
        watcher.start();
        return watcher;
    }

    private long put(String key, Object record) {
        return writer.put(key, ModelJson.write(record));
    }

    private long putRaw(String key, String value) {
        return writer.put(key, value.getBytes(UTF_8));
    }

    /** The view a fresh listing gives: what etcd holds now. */
    private ClusterView etcdState() {
        return ViewApplier.relist(ClusterView.EMPTY, writer.list(Keys.ROOT)).view();
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void listsTheStateThenAppliesEveryChangeInRevisionOrder() throws Exception {
        put(Keys.node("n1"), node("n1", "192.0.2.11"));
        put(Keys.network("net"), network("net", VNI, "10.0.9.0/24"));
        Recorder recorder = new Recorder();
        ClusterWatcher watcher = watcher(etcd.endpoint(), recorder);
        await("the first listing", TIMEOUT, () -> !recorder.updates.isEmpty());

        long r1 = put(Keys.task("t1"), task("t1", "s", 1, "n1", at("net", "10.0.9.2")));
        long r2 = put(Keys.task("t1"), task("t1", "s", 1, "n1", at("net", "10.0.9.3")));
        long r3 = putRaw(Keys.nodeAlive("n1"), "{}");
        writer.delete(Keys.network("net"));
        long r4 = put(Keys.ROOT + "ipam/net", "allocation state, not a record");

        assertThat(watcher.awaitRevision(r4, TIMEOUT)).isTrue();
        ViewUpdate initial = recorder.updates.get(0);
        assertThat(initial.cause()).isEqualTo(ViewUpdate.Cause.INITIAL);
        assertThat(initial.changes()).extracting(ViewChange::kind, ViewChange::type)
                .containsExactly(tuple(RecordKind.NETWORK, ChangeType.ADDED),
                        tuple(RecordKind.NODE, ChangeType.ADDED));
        assertThat(recorder.changesAfterInitial()).containsExactly(
                new ViewChange(RecordKind.TASK, "t1", ChangeType.ADDED, r1),
                new ViewChange(RecordKind.TASK, "t1", ChangeType.UPDATED, r2),
                new ViewChange(RecordKind.LIVENESS, "n1", ChangeType.ADDED, r3),
                new ViewChange(RecordKind.NETWORK, "net", ChangeType.REMOVED, r3 + 1));
        assertThat(watcher.view().revision()).isEqualTo(r4);
        assertThat(watcher.view().nodeState("n1")).isEqualTo(NodeState.READY);
        assertThat(watcher.view()).isEqualTo(etcdState());
        assertThat(watcher.metrics().revision()).isEqualTo(r4);
        assertThat(watcher.metrics().eventsApplied()).isEqualTo(5);
        assertThat(watcher.metrics().servingMember()).isNotZero();
    }

    @Test
    void malformedRecordsAreCountedAndSkippedAndALaterValidWriteApplies() throws Exception {
        putRaw(Keys.task("junk"), "{\"this is\": not json");
        Recorder recorder = new Recorder();
        ClusterWatcher watcher = watcher(etcd.endpoint(), recorder);
        await("the first listing", TIMEOUT, () -> !recorder.updates.isEmpty());
        assertThat(watcher.metrics().recordsRejected()).isEqualTo(1);
        assertThat(watcher.view().tasks()).isEmpty();

        put(Keys.task("t1"), task("t1", "s", 1, "n1", at("net", "10.0.9.2")));
        putRaw(Keys.task("t1"), "{\"version\":1,\"id\":\"t1\"}");
        put(Keys.task("t2"), task("not-t2", "s", 2, "n1"));
        put(Keys.node("n1"), node("n1", "not-an-ip"));
        long last = put(Keys.task("t3"), task("t3", "s", 3, "n1", at("net", "10.0.9.4")));

        assertThat(watcher.awaitRevision(last, TIMEOUT)).isTrue();
        assertThat(watcher.metrics().recordsRejected()).isEqualTo(4);
        assertThat(watcher.view().tasks()).containsOnlyKeys("t3");
        assertThat(watcher.view().nodes()).isEmpty();
        assertThat(recorder.changesAfterInitial()).extracting(ViewChange::id, ViewChange::type).containsExactly(
                tuple("t1", ChangeType.ADDED),
                tuple("t1", ChangeType.REMOVED),
                tuple("t3", ChangeType.ADDED));

        long fixed = put(Keys.task("t1"), task("t1", "s", 1, "n1", at("net", "10.0.9.2")));
        assertThat(watcher.awaitRevision(fixed, TIMEOUT)).isTrue();
        assertThat(watcher.view().tasks()).containsOnlyKeys("t1", "t3");
        assertThat(watcher.view().sameContent(etcdState())).isTrue();
    }

    @Test
    void aDisconnectResumesFromTheLastAppliedRevisionWithNothingLostOrRepeated() throws Exception {
        try (TcpProxy proxy = new TcpProxy(etcd.endpoint())) {
            Recorder recorder = new Recorder();
            ClusterWatcher watcher = watcher(proxy.endpoint(), recorder);
            await("the first listing", TIMEOUT, () -> !recorder.updates.isEmpty());
            long first = put(Keys.task("t0"), task("t0", "s", 0, "n1"));
            assertThat(watcher.awaitRevision(first, TIMEOUT)).isTrue();

            proxy.cut();
            List<Long> revisions = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                revisions.add(put(Keys.task("t" + i), task("t" + i, "s", i, "n1")));
            }
            Thread.sleep(500);
            assertThat(watcher.view().revision()).isEqualTo(first);
            proxy.restore();

            assertThat(watcher.awaitRevision(revisions.get(4), Duration.ofSeconds(20))).isTrue();
            assertThat(recorder.changesAfterInitial()).extracting(ViewChange::revision)
                    .containsExactly(first, revisions.get(0), revisions.get(1), revisions.get(2), revisions.get(3), revisions.get(4));
            assertThat(watcher.metrics().reconnects()).isPositive();
            assertThat(watcher.metrics().relists()).isZero();
            assertThat(watcher.view()).isEqualTo(etcdState());
        }
    }

    @Test
    void aCompactionDuringADisconnectEndsInARelistThatEmitsTheDifference() throws Exception {
        try (TcpProxy proxy = new TcpProxy(etcd.endpoint());
             Client admin = Client.builder().endpoints("http://" + etcd.endpoint()).build()) {
            for (int i = 1; i <= 3; i++) {
                put(Keys.task("t" + i), task("t" + i, "s", i, "n1"));
            }
            Recorder recorder = new Recorder();
            ClusterWatcher watcher = watcher(proxy.endpoint(), recorder);
            await("the first listing", TIMEOUT, () -> !recorder.updates.isEmpty());

            proxy.cut();
            writer.delete(Keys.task("t1"));
            put(Keys.task("t2"), task("t2", "s", 2, "n2"));
            put(Keys.task("t4"), task("t4", "s", 4, "n1"));
            put(Keys.task("t5"), task("t5", "s", 5, "n1"));
            writer.delete(Keys.task("t5"));
            long last = put(Keys.ROOT + "ipam/x", "moves the revision on");
            admin.getKVClient().compact(last).get(5, TimeUnit.SECONDS);
            proxy.restore();

            assertThat(watcher.awaitRevision(last, Duration.ofSeconds(20))).isTrue();
            assertThat(watcher.metrics().relists()).isEqualTo(1);
            ViewUpdate relist = recorder.updates.get(recorder.updates.size() - 1);
            assertThat(relist.cause()).isEqualTo(ViewUpdate.Cause.RELIST);
            assertThat(relist.changes()).containsExactly(
                    new ViewChange(RecordKind.TASK, "t1", ChangeType.REMOVED, last),
                    new ViewChange(RecordKind.TASK, "t2", ChangeType.UPDATED, last),
                    new ViewChange(RecordKind.TASK, "t4", ChangeType.ADDED, last));
            // A diff, never a reset: t3 stayed in every view the listeners saw.
            assertThat(recorder.updates).allSatisfy(u -> assertThat(u.current().tasks()).containsKey("t3"));
            assertThat(watcher.view()).isEqualTo(etcdState());

            long after = put(Keys.task("t6"), task("t6", "s", 6, "n1"));
            assertThat(watcher.awaitRevision(after, TIMEOUT)).isTrue();
            assertThat(watcher.view().tasks()).containsKey("t6");
        }
    }

    @Test
    void aNodeWhoseLeaseLapsesTurnsDownAndLeavesEveryBackendTableWithinTtlPlusOneSecond() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        put(Keys.node("n1"), node("n1", "192.0.2.11"));
        putRaw(Keys.nodeAlive("n1"), "{}");
        put(Keys.node("n2"), node("n2", "192.0.2.12"));
        Lease lease = writer.grant(ttl, new LeaseListener() {
            @Override
            public void onKeepAlive(long ttlSeconds) {
            }

            @Override
            public void onUnreachable(Throwable cause) {
            }

            @Override
            public void onExpired() {
            }
        });
        writer.put(Keys.nodeAlive("n2"), "{}".getBytes(UTF_8), lease.id());
        put(Keys.network("net"), network("net", VNI, "10.0.9.0/24"));
        put(Keys.service("web"), service("web", on("net", "10.0.9.2")));
        put(Keys.task("w1"), task("w1", "web", 1, "n1", at("net", "10.0.9.3")));
        put(Keys.task("w2"), task("w2", "web", 2, "n2", at("net", "10.0.9.4")));
        DesiredTablesPublisher tables = new DesiredTablesPublisher("n1");
        List<Long> withoutN2 = new CopyOnWriteArrayList<>();
        tables.addListener((previous, current) -> {
            if (!backendNodes(current).contains("n2")) {
                withoutN2.add(System.nanoTime());
            }
        });
        Recorder recorder = new Recorder();
        ClusterWatcher watcher = closing(new ClusterWatcher(closing(EtcdStore.connect(StoreAddress.parse(etcd.storeUrl()), TIMEOUT))));
        watcher.addListener(recorder);
        watcher.addListener(tables);
        watcher.start();
        await("both backends", TIMEOUT, () -> backendNodes(tables.current()).equals(Set.of("n1", "n2")));
        withoutN2.clear();

        long stopped = System.nanoTime();
        lease.close();

        await("n2's task leaving the backends", ttl.plusSeconds(3), () -> !withoutN2.isEmpty());
        Duration took = Duration.ofNanos(withoutN2.get(0) - stopped);
        LOG.info("n2's task left n1's backends {} ms after its {} s lease stopped being kept alive", took.toMillis(), ttl.toSeconds());
        assertThat(took).isLessThanOrEqualTo(ttl.plusSeconds(1));
        assertThat(watcher.view().nodeState("n2")).isEqualTo(NodeState.DOWN);
        assertThat(backendNodes(tables.current())).containsExactly("n1");
        assertThat(tables.current().fdb().isEmpty()).isTrue();
    }

    private static Set<String> backendNodes(DesiredTables tables) {
        VirtualService web = tables.services().get(new IpKey(VNI, Ipv4Address.parse("10.0.9.2")));
        return web == null ? Set.of() : Set.copyOf(web.backends().stream().map(Backend::nodeId).toList());
    }

    /** Keeps every update a watcher publishes. */
    static final class Recorder implements ClusterViewListener {
        final List<ViewUpdate> updates = new CopyOnWriteArrayList<>();

        @Override
        public void onUpdate(ViewUpdate update) {
            updates.add(update);
        }

        List<ViewChange> changesAfterInitial() {
            return updates.stream().skip(1).flatMap(u -> u.changes().stream()).toList();
        }
    }
}
