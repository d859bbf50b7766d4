package io.swarmnet.control.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What every {@link Store} does, written once and run against each implementation by
 * subclassing: etcd's semantics for revisions, transactions, leases and watches.
 */
abstract class StoreContract {

    /** The store under test, shared by the tests of one class; each test uses its own key prefix. */
    protected abstract Store store();

    /** Drops the store's change history before {@code revision}, as etcd's compaction does. */
    protected abstract void compact(long revision) throws Exception;

    /** Ends a lease the way another client or the store itself could, behind its owner's back. */
    protected abstract void revokeBehindItsBack(long leaseId) throws Exception;

    static String prefix(TestInfo info) {
        return Keys.ROOT + "test-" + info.getTestMethod().orElseThrow().getName() + "/";
    }

    static byte[] utf8(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void getReturnsWhatPutWroteWithItsRevisions(TestInfo info) {
        String key = prefix(info) + "a";
        long first = store().put(key, utf8("one"));
        long second = store().put(key, utf8("two"));

        KeyValue kv = store().get(key).orElseThrow();
        assertThat(kv.valueAsString()).isEqualTo("two");
        assertThat(kv.createRevision()).isEqualTo(first);
        assertThat(kv.modRevision()).isEqualTo(second);
        assertThat(second).isEqualTo(first + 1);
        assertThat(kv.version()).isEqualTo(2);
        assertThat(kv.leaseId()).isZero();
    }

    @Test
    void getOfAbsentKeyIsEmpty(TestInfo info) {
        assertThat(store().get(prefix(info) + "missing")).isEmpty();
    }

    @Test
    void deleteReportsWhetherTheKeyExisted(TestInfo info) {
        String key = prefix(info) + "a";
        store().put(key, utf8("x"));
        assertThat(store().delete(key)).isTrue();
        assertThat(store().delete(key)).isFalse();
        assertThat(store().get(key)).isEmpty();
    }

    @Test
    void recreatedKeyStartsAtVersionOneWithANewCreateRevision(TestInfo info) {
        String key = prefix(info) + "a";
        store().put(key, utf8("1"));
        store().put(key, utf8("2"));
        store().delete(key);
        long recreated = store().put(key, utf8("3"));

        KeyValue kv = store().get(key).orElseThrow();
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.createRevision()).isEqualTo(recreated);
    }

    @Test
    void listReturnsOnlyKeysUnderThePrefixInKeyOrderWithTheRevision(TestInfo info) {
        String p = prefix(info);
        store().put(p + "nodes/b", utf8("2"));
        store().put(p + "nodes/a", utf8("1"));
        long last = store().put(p + "nodes-alive/a", utf8("alive"));

        Listing listing = store().list(p + "nodes/");

        assertThat(listing.items()).extracting(KeyValue::key).containsExactly(p + "nodes/a", p + "nodes/b");
        assertThat(listing.revision()).isGreaterThanOrEqualTo(last);
        assertThat(store().list(p + "none/").items()).isEmpty();
    }

    @Test
    void listPagesThroughMoreKeysThanOnePageHolds(TestInfo info) {
        String p = prefix(info);
        for (int batch = 0; batch < 7; batch++) {
            Transaction txn = Transaction.create();
            for (int i = 0; i < 100; i++) {
                txn.put(String.format("%sk%04d", p, batch * 100 + i), utf8("v"));
            }
            assertThat(store().commit(txn).succeeded()).isTrue();
        }

        Listing listing = store().list(p);

        assertThat(listing.items()).hasSize(700);
        assertThat(listing.items().get(0).key()).isEqualTo(p + "k0000");
        assertThat(listing.items().get(699).key()).isEqualTo(p + "k0699");
    }

    @Test
    void transactionAppliesEverythingAtOneRevisionWhenTheModRevisionStillMatches(TestInfo info) {
        String p = prefix(info);
        long rev = store().put(p + "counter", utf8("1"));

        TransactionResult result = store().commit(Transaction.create()
                .ifModRevision(p + "counter", rev)
                .ifAbsent(p + "allocated")
                .put(p + "counter", utf8("2"))
                .put(p + "allocated", utf8("10.0.9.2")));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.revision()).isEqualTo(rev + 1);
        assertThat(store().get(p + "counter").orElseThrow().valueAsString()).isEqualTo("2");
        assertThat(store().get(p + "counter").orElseThrow().modRevision()).isEqualTo(result.revision());
        assertThat(store().get(p + "allocated").orElseThrow().modRevision()).isEqualTo(result.revision());
    }

    @Test
    void transactionWritesNothingWhenAnotherWriterGotThereFirst(TestInfo info) {
        String p = prefix(info);
        long readAt = store().put(p + "counter", utf8("1"));
        long concurrent = store().put(p + "counter", utf8("concurrent"));

        TransactionResult result = store().commit(Transaction.create()
                .ifModRevision(p + "counter", readAt)
                .put(p + "counter", utf8("2"))
                .put(p + "other", utf8("x")));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.revision()).isGreaterThanOrEqualTo(concurrent);
        assertThat(store().get(p + "counter").orElseThrow().valueAsString()).isEqualTo("concurrent");
        assertThat(store().get(p + "other")).isEmpty();
    }

    @Test
    void ifAbsentFailsWhenTheKeyExists(TestInfo info) {
        String p = prefix(info);
        store().put(p + "taken", utf8("x"));

        assertThat(store().commit(Transaction.create().ifAbsent(p + "taken").put(p + "taken", utf8("y"))).succeeded()).isFalse();
        assertThat(store().commit(Transaction.create().ifAbsent(p + "free").put(p + "free", utf8("y"))).succeeded()).isTrue();
    }

    @Test
    void transactionNamingOneKeyTwiceIsRefused(TestInfo info) {
        String p = prefix(info);
        assertThatThrownBy(() -> store().commit(Transaction.create().put(p + "k", utf8("1")).delete(p + "k")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("duplicate key");
        assertThat(store().get(p + "k")).isEmpty();
    }

    @Test
    void concurrentCompareAndSwapIncrementsLoseNoUpdate(TestInfo info) throws Exception {
        String key = prefix(info) + "counter";
        store().put(key, utf8("0"));
        int threads = 4;
        int increments = 25;
        List<Thread> workers = new ArrayList<>();
        BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            KeyValue kv = store().get(key).orElseThrow();
                            int next = Integer.parseInt(kv.valueAsString()) + 1;
                            if (store().commit(Transaction.create().ifModRevision(key, kv.modRevision())
                                    .put(key, utf8(Integer.toString(next)))).succeeded()) {
                                break;
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread w : workers) {
            w.join(30_000);
        }

        assertThat(failures).isEmpty();
        assertThat(store().get(key).orElseThrow().valueAsString()).isEqualTo(Integer.toString(threads * increments));
        assertThat(store().get(key).orElseThrow().version()).isEqualTo(threads * increments + 1);
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
        try (Lease lease = store().grant(Duration.ofSeconds(2), listener)) {
            store().put(key, utf8("x"), lease.id());
            Thread.sleep(3_500);

            assertThat(store().get(key)).isPresent();
            assertThat(store().get(key).orElseThrow().leaseId()).isEqualTo(lease.id());
            assertThat(lease.alive()).isTrue();
            assertThat(lease.ttl()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            assertThat(keepAlives.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void closedLeaseExpiresAndItsKeysAreDeletedAndWatched(TestInfo info) throws Exception {
        String p = prefix(info);
        Lease lease = store().grant(Duration.ofSeconds(1), () -> { });
        long from = store().put(p + "leased", utf8("x"), lease.id());
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(p, from, recorder)) {
            lease.close();

            assertThat(lease.state()).isEqualTo(Lease.State.CLOSED);
            List<List<WatchEvent>> calls = recorder.takeEvents(1);
            calls.addAll(recorder.takeEvents(1));
            assertThat(calls).flatExtracting(c -> c).extracting(WatchEvent::type)
                    .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
            assertThat(store().get(p + "leased")).isEmpty();
        }
    }

    @Test
    void revokedLeaseDeletesItsKeysAtOnceAndRevokingAgainIsNoError(TestInfo info) {
        String key = prefix(info) + "leased";
        Lease lease = store().grant(Duration.ofSeconds(30), () -> { });
        store().put(key, utf8("x"), lease.id());

        lease.revoke();

        assertThat(store().get(key)).isEmpty();
        assertThat(lease.state()).isEqualTo(Lease.State.REVOKED);
        lease.revoke();
    }

    @Test
    void leaseDeletedBehindItsBackIsReportedExpired(TestInfo info) throws Exception {
        CountDownLatch expired = new CountDownLatch(1);
        Lease lease = store().grant(Duration.ofSeconds(3), expired::countDown);
        store().put(prefix(info) + "leased", utf8("x"), lease.id());

        revokeBehindItsBack(lease.id());

        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lease.state()).isEqualTo(Lease.State.EXPIRED);
        assertThat(store().get(prefix(info) + "leased")).isEmpty();
    }

    @Test
    void putWithAnUnknownLeaseIsRefused(TestInfo info) {
        assertThatThrownBy(() -> store().put(prefix(info) + "k", utf8("x"), 0x7777_0000_1234L))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("lease not found");
    }

    @Test
    void watchFromARevisionDeliversEveryChangeInOrderWithATransactionInOneCall(TestInfo info) throws Exception {
        String p = prefix(info);
        long from = store().put(p + "a", utf8("1"));
        store().put(p + "b", utf8("2"));
        store().delete(p + "a");
        store().put(Keys.ROOT + "elsewhere", utf8("not watched"));
        TransactionResult txn = store().commit(Transaction.create().put(p + "c", utf8("3")).put(p + "d", utf8("4")));

        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(p, from, recorder)) {
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
    void watchFromAListingSeesEveryLaterChangeExactlyOnce(TestInfo info) throws Exception {
        String p = prefix(info);
        store().put(p + "before", utf8("0"));
        Listing listing = store().list(p);
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(p, listing.revision() + 1, recorder)) {
            for (int i = 1; i <= 5; i++) {
                store().put(p + "k", utf8(Integer.toString(i)));
            }

            List<List<WatchEvent>> calls = recorder.takeEvents(5);
            assertThat(calls).flatExtracting(c -> c).extracting(e -> new String(e.value(), UTF_8))
                    .containsExactly("1", "2", "3", "4", "5");
            assertThat(recorder.calls.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void watchRestartedAtItsNextRevisionContinuesWithoutGapsOrRepeats(TestInfo info) throws Exception {
        String p = prefix(info);
        long from = store().put(p + "k", utf8("1"));
        store().put(p + "k", utf8("2"));
        Recorder first = new Recorder();
        long next;
        try (Watch watch = store().watch(p, from, first)) {
            first.takeEvents(2);
            next = watch.nextRevision();
        }
        store().put(p + "k", utf8("3"));
        store().put(p + "k", utf8("4"));

        Recorder second = new Recorder();
        try (Watch watch = store().watch(p, next, second)) {
            List<List<WatchEvent>> calls = second.takeEvents(2);
            assertThat(calls).flatExtracting(c -> c).extracting(e -> new String(e.value(), UTF_8)).containsExactly("3", "4");
            assertThat(second.calls.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(watch.nextRevision()).isEqualTo(store().get(p + "k").orElseThrow().modRevision() + 1);
        }
    }

    @Test
    void closedWatchHearsNothingMore(TestInfo info) throws Exception {
        String p = prefix(info);
        long from = store().put(p + "k", utf8("1"));
        Recorder recorder = new Recorder();
        Watch watch = store().watch(p, from, recorder);
        recorder.takeEvents(1);

        watch.close();
        store().put(p + "k", utf8("2"));

        assertThat(recorder.calls.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void watchSignalsCompactionWhenItsStartRevisionIsGone(TestInfo info) throws Exception {
        String p = prefix(info);
        long old = store().put(p + "k", utf8("1"));
        long latest = store().put(p + "k", utf8("2"));
        compact(latest);

        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(p, old, recorder)) {
            assertThat(recorder.compacted.poll(10, TimeUnit.SECONDS)).isEqualTo(latest);
            assertThat(recorder.calls).isEmpty();
            assertThat(watch.nextRevision()).isEqualTo(old);
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
