package io.swarmnet.control.watch;

import static io.swarmnet.control.testing.ClusterRecords.at;
import static io.swarmnet.control.testing.ClusterRecords.network;
import static io.swarmnet.control.testing.ClusterRecords.node;
import static io.swarmnet.control.testing.ClusterRecords.task;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.cluster.NetworkSpec;
import io.swarmnet.control.model.ModelJson;
import io.swarmnet.control.store.EmbeddedStore;
import io.swarmnet.control.store.Keys;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The watcher over the embedded single-host store, the agent's default without --store. */
@Timeout(30)
class ClusterWatcherEmbeddedStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void followsTheEmbeddedStoreLikeEtcd(@TempDir Path dir) throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store"));
             ClusterWatcher watcher = new ClusterWatcher(store)) {
            store.put(Keys.node("n1"), ModelJson.write(node("n1", "192.0.2.11")));
            long listed = store.put(Keys.network("net"), ModelJson.write(network("net", 4096, "10.0.9.0/24")));
            java.util.List<Long> applyNanos = new java.util.concurrent.CopyOnWriteArrayList<>();
            watcher.metrics().onApplyLatency(applyNanos::add);
            watcher.start();
            assertThat(watcher.awaitRevision(listed, TIMEOUT)).isTrue();

            store.put(Keys.task("t1"), ModelJson.write(task("t1", "s", 1, "n1", at("net", "10.0.9.2"))));
            store.put(Keys.task("bad"), "{".getBytes(UTF_8));
            store.delete(Keys.network("net"));
            long last = store.put(Keys.nodeAlive("n1"), "{}".getBytes(UTF_8));

            assertThat(watcher.awaitRevision(last, TIMEOUT)).isTrue();
            assertThat(watcher.view()).isEqualTo(ClusterWatcher.listOnce(store));
            assertThat(watcher.view().tasks()).containsOnlyKeys("t1");
            assertThat(watcher.view().isReady("n1")).isTrue();
            assertThat(watcher.metrics().recordsRejected()).isEqualTo(1);
            awaitNotEmpty(applyNanos);
            assertThat(applyNanos).as("each watched batch is timed, the initial listing is not")
                    .allSatisfy(n -> assertThat(n).isPositive().isLessThan(TIMEOUT.toNanos()));
        }
    }

    @Test
    void aChangeThroughTheClusterStoreIsTimedFromItsCommitAndTheStampStaysOutOfTheView(@TempDir Path dir) throws Exception {
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store"));
             ClusterWatcher watcher = new ClusterWatcher(store)) {
            java.util.List<Long> lags = new java.util.concurrent.CopyOnWriteArrayList<>();
            watcher.metrics().onCommitLag(lags::add);
            watcher.start();
            ClusterStore cluster = new ClusterStore(store);
            long before = System.currentTimeMillis();

            cluster.createNetwork(NetworkSpec.named("app").withSubnet("10.0.9.0/24"));

            long committed = store.get(Keys.COMMIT_STAMP).orElseThrow().modRevision();
            assertThat(watcher.awaitRevision(committed, TIMEOUT)).isTrue();
            // Observed right after the view is published, which is what wakes awaitRevision.
            awaitNotEmpty(lags);
            assertThat(lags).singleElement().satisfies(lag ->
                    assertThat(lag).isBetween(0L, System.currentTimeMillis() - before));
            assertThat(watcher.view().networks()).hasSize(1);
            assertThat(watcher.metrics().recordsRejected()).isZero();
        }
    }

    private static void awaitNotEmpty(java.util.List<Long> observed) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (observed.isEmpty() && deadline - System.nanoTime() > 0) {
            Thread.sleep(10);
        }
    }
}
