package io.swarmnet.control.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.etcd.jetcd.Client;
import io.swarmnet.control.testing.EtcdFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class EtcdStoreTest {
    @RegisterExtension
    static final EtcdFixture ETCD = new EtcdFixture();

    private static EtcdStore store;

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

    private static String prefix(TestInfo info) {
        return Keys.ROOT + "test-" + info.getTestMethod().orElseThrow().getName() + "/";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void getReturnsWhatPutWroteWithItsRevisions(TestInfo info) {
        String key = prefix(info) + "a";
        long first = store.put(key, utf8("one"));
        long second = store.put(key, utf8("two"));

        KeyValue kv = store.get(key).orElseThrow();
        assertThat(kv.valueAsString()).isEqualTo("two");
        assertThat(kv.createRevision()).isEqualTo(first);
        assertThat(kv.modRevision()).isEqualTo(second);
        assertThat(kv.version()).isEqualTo(2);
        assertThat(kv.leaseId()).isZero();
    }

    @Test
    void getOfAbsentKeyIsEmpty(TestInfo info) {
        assertThat(store.get(prefix(info) + "missing")).isEmpty();
    }

    @Test
    void deleteReportsWhetherTheKeyExisted(TestInfo info) {
        String key = prefix(info) + "a";
        store.put(key, utf8("x"));
        assertThat(store.delete(key)).isTrue();
        assertThat(store.delete(key)).isFalse();
        assertThat(store.get(key)).isEmpty();
    }

    @Test
    void listReturnsOnlyKeysUnderThePrefixInKeyOrderWithTheRevision(TestInfo info) {
        String p = prefix(info);
        store.put(p + "nodes/b", utf8("2"));
        store.put(p + "nodes/a", utf8("1"));
        long last = store.put(p + "nodes-alive/a", utf8("alive"));

        Listing listing = store.list(p + "nodes/");

        assertThat(listing.items()).extracting(KeyValue::key).containsExactly(p + "nodes/a", p + "nodes/b");
        assertThat(listing.revision()).isGreaterThanOrEqualTo(last);
        assertThat(store.list(p + "none/").items()).isEmpty();
    }

    @Test
    void listPagesThroughMoreKeysThanOnePageHolds(TestInfo info) {
        String p = prefix(info);
        for (int batch = 0; batch < 7; batch++) {
            Transaction txn = Transaction.create();
            for (int i = 0; i < 100; i++) {
                txn.put(String.format("%sk%04d", p, batch * 100 + i), utf8("v"));
            }
            assertThat(store.commit(txn).succeeded()).isTrue();
        }

        Listing listing = store.list(p);

        assertThat(listing.items()).hasSize(700);
        assertThat(listing.items().get(0).key()).isEqualTo(p + "k0000");
        assertThat(listing.items().get(699).key()).isEqualTo(p + "k0699");
    }

    @Test
    void transactionAppliesEverythingWhenTheModRevisionStillMatches(TestInfo info) {
        String p = prefix(info);
        long rev = store.put(p + "counter", utf8("1"));

        TransactionResult result = store.commit(Transaction.create()
                .ifModRevision(p + "counter", rev)
                .ifAbsent(p + "allocated")
                .put(p + "counter", utf8("2"))
                .put(p + "allocated", utf8("10.0.9.2")));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.revision()).isGreaterThan(rev);
        assertThat(store.get(p + "counter").orElseThrow().valueAsString()).isEqualTo("2");
        assertThat(store.get(p + "allocated").orElseThrow().modRevision()).isEqualTo(result.revision());
    }

    @Test
    void transactionWritesNothingWhenAnotherWriterGotThereFirst(TestInfo info) {
        String p = prefix(info);
        long readAt = store.put(p + "counter", utf8("1"));
        store.put(p + "counter", utf8("concurrent"));

        TransactionResult result = store.commit(Transaction.create()
                .ifModRevision(p + "counter", readAt)
                .put(p + "counter", utf8("2"))
                .delete(p + "other"));

        assertThat(result.succeeded()).isFalse();
        assertThat(store.get(p + "counter").orElseThrow().valueAsString()).isEqualTo("concurrent");
    }

    @Test
    void ifAbsentFailsWhenTheKeyExists(TestInfo info) {
        String p = prefix(info);
        store.put(p + "taken", utf8("x"));

        assertThat(store.commit(Transaction.create().ifAbsent(p + "taken").put(p + "taken", utf8("y"))).succeeded()).isFalse();
        assertThat(store.commit(Transaction.create().ifAbsent(p + "free").put(p + "free", utf8("y"))).succeeded()).isTrue();
    }

    @Test
    void keptAliveLeaseOutlivesItsTtl(TestInfo info) throws Exception {
        String key = prefix(info) + "alive";
        AtomicInteger keepAlives = new AtomicInteger();
        LeaseListener listener = new LeaseListener() {
            @Override
            public void onKeepAlive(long ttlSeconds) {
                keepAlives.incrementAndGet();
            }

            @Override
            public void onExpired() {
            }
        };
        try (Lease lease = store.grant(Duration.ofSeconds(2), listener)) {
            store.put(key, utf8("x"), lease.id());
            Thread.sleep(4_000);

            assertThat(store.get(key)).isPresent();
            assertThat(store.get(key).orElseThrow().leaseId()).isEqualTo(lease.id());
            assertThat(lease.alive()).isTrue();
            assertThat(keepAlives.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void closedLeaseExpiresAndTakesItsKeysWithIt(TestInfo info) throws Exception {
        String key = prefix(info) + "leased";
        Lease lease = store.grant(Duration.ofSeconds(2), () -> { });
        store.put(key, utf8("x"), lease.id());
        lease.close();

        assertThat(lease.state()).isEqualTo(Lease.State.CLOSED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.get(key).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(store.get(key)).isEmpty();
    }

    @Test
    void revokedLeaseDeletesItsKeysAtOnceAndRevokingAgainIsNoError(TestInfo info) {
        String key = prefix(info) + "leased";
        Lease lease = store.grant(Duration.ofSeconds(30), () -> { });
        store.put(key, utf8("x"), lease.id());

        lease.revoke();

        assertThat(store.get(key)).isEmpty();
        assertThat(lease.state()).isEqualTo(Lease.State.REVOKED);
        lease.revoke();
    }

    @Test
    void leaseDeletedBehindItsBackIsReportedExpired(TestInfo info) throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        Lease lease = store.grant(Duration.ofSeconds(3), expired::countDown);
        try (Client other = Client.builder().endpoints(URI.create(ETCD.clientUrl())).build()) {
            other.getLeaseClient().revoke(lease.id()).get(5, TimeUnit.SECONDS);
        }

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lease.state()).isEqualTo(Lease.State.EXPIRED);
    }

    @Test
    void watchFromARevisionDeliversEveryChangeInOrderWithATransactionInOneCall(TestInfo info) throws Exception {
        String p = prefix(info);
        long from = store.put(p + "a", utf8("1"));
        store.put(p + "b", utf8("2"));
        store.delete(p + "a");
        store.put(Keys.ROOT + "elsewhere", utf8("not watched"));
        TransactionResult txn = store.commit(Transaction.create().put(p + "c", utf8("3")).put(p + "d", utf8("4")));

        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(p, from, recorder)) {
            List<List<WatchEvent>> calls = recorder.takeEvents(5);

            assertThat(calls).flatExtracting(c -> c)
                    .extracting(WatchEvent::type, WatchEvent::key, e -> new String(e.value(), UTF_8))
                    .containsExactly(
                            tuple(WatchEvent.Type.PUT, p + "a", "1"),
                            tuple(WatchEvent.Type.PUT, p + "b", "2"),
                            tuple(WatchEvent.Type.DELETE, p + "a", ""),
                            tuple(WatchEvent.Type.PUT, p + "c", "3"),
                            tuple(WatchEvent.Type.PUT, p + "d", "4"));
            assertThat(calls).flatExtracting(c -> c).extracting(WatchEvent::revision).isSorted().startsWith(from);
            assertThat(calls).anySatisfy(call -> assertThat(call).extracting(WatchEvent::revision)
                    .containsSubsequence(txn.revision(), txn.revision()));
            assertThat(watch.nextRevision()).isEqualTo(txn.revision() + 1);
        }
    }

    @Test
    void watchRestartedAtItsNextRevisionContinuesWithoutGapsOrRepeats(TestInfo info) throws Exception {
        String p = prefix(info);
        long from = store.put(p + "k", utf8("1"));
        store.put(p + "k", utf8("2"));
        Recorder first = new Recorder();
        long next;
        try (Watch watch = store.watch(p, from, first)) {
            first.takeEvents(2);
            next = watch.nextRevision();
        }
        store.put(p + "k", utf8("3"));
        store.put(p + "k", utf8("4"));

        Recorder second = new Recorder();
        try (Watch watch = store.watch(p, next, second)) {
            List<List<WatchEvent>> calls = second.takeEvents(2);
            assertThat(calls).flatExtracting(c -> c).extracting(e -> new String(e.value(), UTF_8)).containsExactly("3", "4");
            assertThat(second.calls.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(watch.nextRevision()).isEqualTo(store.get(p + "k").orElseThrow().modRevision() + 1);
        }
    }

    @Test
    void watchSignalsCompactionWhenItsStartRevisionIsGone(TestInfo info) throws Exception {
        String p = prefix(info);
        long old = store.put(p + "k", utf8("1"));
        long latest = store.put(p + "k", utf8("2"));
        try (Client other = Client.builder().endpoints(URI.create(ETCD.clientUrl())).build()) {
            other.getKVClient().compact(latest).get(5, TimeUnit.SECONDS);
        }

        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(p, old, recorder)) {
            assertThat(recorder.compacted.poll(10, TimeUnit.SECONDS)).isEqualTo(latest);
            assertThat(recorder.calls).isEmpty();
            assertThat(watch.nextRevision()).isEqualTo(old);
        }
    }

    @Test
    void memberClientUrlsNameTheMember() {
        assertThat(store.memberClientUrls()).containsExactly(URI.create(ETCD.clientUrl()));
    }

    @Test
    void connectsThroughTheFirstEndpointThatAnswers(TestInfo info) throws IOException {
        String address = "etcd://127.0.0.1:" + EtcdFixture.freePort() + "," + ETCD.endpoint();
        try (EtcdStore second = EtcdStore.connect(StoreAddress.parse(address), Duration.ofSeconds(5))) {
            second.put(prefix(info) + "k", utf8("v"));

            assertThat(store.get(prefix(info) + "k")).isPresent();
            assertThat(second.address()).isEqualTo(address);
        }
    }

    @Test
    void refusedEndpointFailsFastNamingTheEndpoint() throws IOException {
        int port = EtcdFixture.freePort();
        long start = System.nanoTime();

        assertThatThrownBy(() -> EtcdStore.connect(StoreAddress.parse("etcd://127.0.0.1:" + port), Duration.ofSeconds(3)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot reach etcd at 127.0.0.1:" + port);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void silentEndpointFailsWithinTheTimeoutNamingEveryEndpoint() throws IOException {
        int refused = EtcdFixture.freePort();
        // Accepts TCP connections (the kernel does) but never speaks: a hung manager.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String address = "etcd://127.0.0.1:" + silent.getLocalPort() + ",127.0.0.1:" + refused;
            long start = System.nanoTime();

            assertThatThrownBy(() -> EtcdStore.connect(StoreAddress.parse(address), Duration.ofSeconds(2)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + silent.getLocalPort() + ", 127.0.0.1:" + refused)
                    .hasMessageContaining("no answer within 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    /** Collects watch calls for the test thread. */
    static final class Recorder implements WatchListener {
        final BlockingQueue<List<WatchEvent>> calls = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> compacted = new LinkedBlockingQueue<>();

        @Override
        public void onEvents(List<WatchEvent> events) {
            calls.add(events);
        }

        @Override
        public void onCompacted(long compactRevision) {
            compacted.add(compactRevision);
        }

        /** The calls that together carry the next {@code n} events. */
        List<List<WatchEvent>> takeEvents(int n) throws InterruptedException {
            List<List<WatchEvent>> got = new ArrayList<>();
            int events = 0;
            while (events < n) {
                List<WatchEvent> call = calls.poll(10, TimeUnit.SECONDS);
                assertThat(call).as("watch events after %d of %d", events, n).isNotNull();
                got.add(call);
                events += call.size();
            }
            assertThat(events).isEqualTo(n);
            return got;
        }
    }
}
