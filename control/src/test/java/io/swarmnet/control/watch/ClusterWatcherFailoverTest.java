package io.swarmnet.control.watch;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.on;
import static io.swarmnet.control.testing.ClusterRecords.service;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.store.EtcdStore;
import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.store.Transaction;
import io.swarmnet.control.store.TransactionResult;
import io.swarmnet.control.tables.DesiredTablesPublisher;
import io.swarmnet.control.tables.IpKey;
import io.swarmnet.control.tables.VirtualService;
import io.swarmnet.control.testing.EtcdClusterFixture;
import io.swarmnet.control.view.ChangeType;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.RecordKind;
import io.swarmnet.control.view.ViewChange;
import io.swarmnet.control.watch.ClusterWatcherTest.Recorder;
import io.swarmnet.packet.Ipv4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Watchers on a 3-member etcd cluster on loopback while its leader is killed. */
@Tag("privileged")
@Timeout(120)
class ClusterWatcherFailoverTest {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcherFailoverTest.class);

    @RegisterExtension
    static final EtcdClusterFixture ETCD = new EtcdClusterFixture(3);

    private static final int UPDATES = 200;
    private static final int WATCHERS = 3;
    private static final int VNI = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void everyWatcherSeesEveryUpdateOnceAndInOrderWhileTheLeaderIsKilled() throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try (EtcdStore writer = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), TIMEOUT)) {
            for (int n = 1; n <= WATCHERS; n++) {
                writer.put(Keys.node("n" + n), ModelJson.write(node("n" + n, "192.0.2.1" + n)));
                writer.put(Keys.nodeAlive("n" + n), "{}".getBytes(UTF_8));
            }
            writer.put(Keys.network("net"), ModelJson.write(network("net", VNI, "10.0.0.0/16")));
            long setup = writer.put(Keys.service("web"), ModelJson.write(service("web", on("net", "10.0.0.2"))));

            List<ClusterWatcher> watchers = new ArrayList<>();
            List<Recorder> recorders = new ArrayList<>();
            List<DesiredTablesPublisher> tables = new ArrayList<>();
            for (int i = 0; i < WATCHERS; i++) {
                // Each agent lists the managers in its own order, as operators would.
                List<String> endpoints = new ArrayList<>(ETCD.endpoints());
                Collections.rotate(endpoints, i);
                EtcdStore store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl(endpoints)), TIMEOUT);
                closeables.add(store);
                ClusterWatcher watcher = new ClusterWatcher(store);
                closeables.add(watcher);
                Recorder recorder = new Recorder();
                DesiredTablesPublisher publisher = new DesiredTablesPublisher("n" + (i + 1));
                watcher.addListener(recorder);
                watcher.addListener(publisher);
                watcher.start();
                watchers.add(watcher);
                recorders.add(recorder);
                tables.add(publisher);
            }
            for (ClusterWatcher w : watchers) {
                assertThat(w.awaitRevision(setup, TIMEOUT)).isTrue();
            }
            // Make the member serving the first watcher the leader, so killing the leader
            // certainly breaks a watch and forces it over to another member.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (watchers.get(0).metrics().servingMember() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            int victim = memberIndex(watchers.get(0).metrics().servingMember());
            ETCD.moveLeader(victim);

            CountDownLatch quarter = new CountDownLatch(1);
            AtomicInteger retries = new AtomicInteger();
            List<Long> committed = new ArrayList<>();
            Thread writing = new Thread(() -> {
                for (int n = 1; n <= UPDATES; n++) {
                    committed.add(createOnce(writer, Keys.task(taskId(n)),
                            ModelJson.write(task(taskId(n), "web", n, "n" + (n % WATCHERS + 1), at("net", "10.0." + (n / 250) + "." + (n % 250 + 3)))),
                            retries));
                    if (n == UPDATES / 4) {
                        quarter.countDown();
                    }
                }
            }, "numbered-writer");
            writing.start();
            assertThat(quarter.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ETCD.leader()).isEqualTo(victim);
            long killedAt = System.nanoTime();
            ETCD.kill(victim);
            writing.join(60_000);
            assertThat(writing.isAlive()).isFalse();
            LOG.info("killed the leader (member {}) after {} of {} updates; the writer retried {} times; writes took {} ms after the kill",
                    victim + 1, UPDATES / 4, UPDATES, retries.get(), (System.nanoTime() - killedAt) / 1_000_000);

            long last = committed.get(committed.size() - 1);
            ClusterView etcdState = ViewApplier.relist(ClusterView.EMPTY, writer.list(Keys.ROOT)).view();
            List<String> expected = IntStream.rangeClosed(1, UPDATES).mapToObj(ClusterWatcherFailoverTest::taskId).toList();
            for (int i = 0; i < WATCHERS; i++) {
                ClusterWatcher w = watchers.get(i);
                assertThat(w.awaitRevision(last, Duration.ofSeconds(30))).as("watcher %d caught up", i).isTrue();
                List<ViewChange> changes = recorders.get(i).changesAfterInitial();
                assertThat(changes).as("watcher %d: only the numbered tasks were added", i)
                        .allMatch(c -> c.kind() == RecordKind.TASK && c.type() == ChangeType.ADDED);
                assertThat(changes).extracting(ViewChange::id).as("watcher %d: every update once, in order", i)
                        .containsExactlyElementsOf(expected);
                assertThat(changes).extracting(ViewChange::revision).as("watcher %d: the commit revisions", i)
                        .containsExactlyElementsOf(committed);
                assertThat(w.view().sameContent(etcdState)).as("watcher %d ends at etcd's state", i).isTrue();
                VirtualService web = tables.get(i).current().services().get(new IpKey(VNI, Ipv4Address.parse("10.0.0.2")));
                assertThat(web.backends()).as("watcher %d: every task is a backend", i).hasSize(UPDATES);
                LOG.info("watcher {}: reconnects {}, failovers {}, duplicates skipped {}", i,
                        w.metrics().reconnects(), w.metrics().failovers(), w.metrics().duplicatesSkipped());
            }
            assertThat(watchers.get(0).metrics().failovers()).isPositive();
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }

    private static String taskId(int n) {
        return String.format("t%04d", n);
    }

    private static int memberIndex(long memberId) throws Exception {
        for (int i = 0; i < ETCD.endpoints().size(); i++) {
            if (ETCD.memberId(i) == memberId) {
                return i;
            }
        }
        throw new AssertionError("no member has id " + Long.toHexString(memberId));
    }

    /**
     * Creates a key exactly once through leader loss: a write that timed out may or may not
     * have committed, so the retry only creates the key when it is still absent.
     *
     * @return the revision that created it
     */
    private static long createOnce(EtcdStore writer, String key, byte[] value, AtomicInteger retries) {
        while (true) {
            try {
                TransactionResult r = writer.commit(Transaction.create().ifAbsent(key).put(key, value));
                return r.succeeded() ? r.revision() : writer.get(key).orElseThrow().createRevision();
            } catch (StoreException e) {
                retries.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
