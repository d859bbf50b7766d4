package io.swarmnet.control.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmnet.control.testing.EtcdFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the store does while its only manager is down and after it comes back. */
@Timeout(90)
class EtcdStoreOutageTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    @Test
    void leaseAndWatchRideOutAShortOutageAndCallsFailWithinTheTimeout() throws Exception {
        String prefix = Keys.ROOT + "test-outage/";
        try (EtcdStore store = EtcdStore.connect(StoreAddress.parse(ETCD.storeUrl()), Duration.ofSeconds(2))) {
            CountDownLatch unreachable = new CountDownLatch(1);
            BlockingQueue<Long> keepAlives = new LinkedBlockingQueue<>();
            Lease lease = store.grant(Duration.ofSeconds(30), new LeaseListener() {
                @Override
                public void onKeepAlive(long ttlSeconds) {
                    keepAlives.add(ttlSeconds);
                }

                @Override
                public void onUnreachable(Throwable cause) {
                    unreachable.countDown();
                }

                @Override
                public void onExpired() {
                }
            });
            long from = store.put(prefix + "before", "1".getBytes(UTF_8), lease.id());
            BlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
            Watch watch = store.watch(prefix, from, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> batch) {
                    events.addAll(batch);
                }

                @Override
                public void onCompacted(long compactRevision) {
                }
            });
            assertThat(events.poll(10, TimeUnit.SECONDS)).extracting(WatchEvent::key).isEqualTo(prefix + "before");

            ETCD.stop();

            assertThat(unreachable.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(lease.alive()).isFalse();
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.get(prefix + "before"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining(ETCD.endpoint());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));

            ETCD.restart();
            keepAlives.clear();

            assertThat(keepAlives.poll(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(lease.alive()).isTrue();
            assertThat(store.get(prefix + "before")).isPresent();
            store.put(prefix + "after", "2".getBytes(UTF_8));
            assertThat(events.poll(30, TimeUnit.SECONDS)).extracting(WatchEvent::key).isEqualTo(prefix + "after");
            assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
            watch.close();
            lease.revoke();
        }
    }
}
