package io.swarmnet.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbeddedStoreTest extends StoreContract {
    @TempDir
    static Path shared;

    private static EmbeddedStore store;

    @BeforeAll
    static void open() {
        store = EmbeddedStore.open(shared.resolve("store"));
    }

    @AfterAll
    static void close() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected Store store() {
        return store;
    }

    @Override
    protected void compact(long revision) {
        store.compact(revision);
    }

    @Override
    protected void revokeBehindItsBack(long leaseId) {
        // Another process on the host: a second instance on the same directory.
        try (EmbeddedStore other = EmbeddedStore.open(store.directory())) {
            other.revokeLease(leaseId);
        }
    }

    @Test
    void everythingSurvivesARestartWithItsRevisions(@TempDir Path dir) {
        long revision;
        KeyValue before;
        try (EmbeddedStore first = EmbeddedStore.open(dir)) {
            first.put("/a", utf8("1"));
            first.put("/a", utf8("2"));
            revision = first.put("/b", utf8("3"));
            first.delete("/b");
            before = first.get("/a").orElseThrow();
        }

        try (EmbeddedStore second = EmbeddedStore.open(dir)) {
            assertThat(second.get("/a").orElseThrow()).usingRecursiveComparison().isEqualTo(before);
            assertThat(second.get("/b")).isEmpty();
            assertThat(second.list("/").revision()).isEqualTo(revision + 1);
            assertThat(second.put("/c", utf8("4"))).isEqualTo(revision + 2);
        }
    }

    @Test
    void leaseExpiresOnTimeEvenWhileNoProcessRuns(@TempDir Path dir) throws Exception {
        try (EmbeddedStore first = EmbeddedStore.open(dir)) {
            Lease lease = first.grant(Duration.ofSeconds(1), () -> { });
            first.put("/leased", utf8("x"), lease.id());
            first.put("/kept", utf8("y"));
        }
        Thread.sleep(1_200);

        try (EmbeddedStore second = EmbeddedStore.open(dir)) {
            assertThat(second.get("/leased")).isEmpty();
            assertThat(second.get("/kept")).isPresent();
        }
    }

    @Test
    void tornWriteAtTheEndOfTheLogIsDroppedAndWritingGoesOn(@TempDir Path dir) throws IOException {
        try (EmbeddedStore first = EmbeddedStore.open(dir)) {
            first.put("/a", utf8("1"));
        }
        // A crash mid-append: a frame header promising more bytes than follow.
        try (FileChannel wal = FileChannel.open(dir.resolve("wal-0"), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            wal.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 0}));
        }

        try (EmbeddedStore second = EmbeddedStore.open(dir)) {
            assertThat(second.get("/a").orElseThrow().valueAsString()).isEqualTo("1");
            second.put("/b", utf8("2"));
        }
        try (EmbeddedStore third = EmbeddedStore.open(dir)) {
            assertThat(third.list("/").items()).extracting(KeyValue::key).containsExactly("/a", "/b");
        }
    }

    @Test
    void damagedSnapshotIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("snapshot"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});

        assertThatThrownBy(() -> EmbeddedStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("snapshot").toString())
                .hasMessageContaining("damaged");
    }

    @Test
    void twoInstancesOnOneDirectoryShareStateAndConditions(@TempDir Path dir) {
        try (EmbeddedStore a = EmbeddedStore.open(dir); EmbeddedStore b = EmbeddedStore.open(dir)) {
            long rev = a.put("/k", utf8("1"));
            assertThat(b.get("/k").orElseThrow().modRevision()).isEqualTo(rev);

            b.put("/k", utf8("2"));

            assertThat(a.commit(Transaction.create().ifModRevision("/k", rev).put("/k", utf8("3"))).succeeded()).isFalse();
            assertThat(a.get("/k").orElseThrow().valueAsString()).isEqualTo("2");
        }
    }

    @Test
    void watchInOneInstanceSeesAnotherInstancesWritesAndLeaseExpiry(@TempDir Path dir) throws Exception {
        try (EmbeddedStore watcher = EmbeddedStore.open(dir); EmbeddedStore writer = EmbeddedStore.open(dir)) {
            Recorder recorder = new Recorder();
            long from = watcher.list("/").revision() + 1;
            try (Watch watch = watcher.watch("/", from, recorder)) {
                Lease lease = writer.grant(Duration.ofSeconds(1), () -> { });
                writer.put("/alive", utf8("x"), lease.id());
                writer.put("/other", utf8("y"));
                lease.close();

                List<WatchEvent> events = new ArrayList<>();
                recorder.takeEvents(3).forEach(events::addAll);
                assertThat(events).extracting(WatchEvent::type, WatchEvent::key).containsExactly(
                        tuple(WatchEvent.Type.PUT, "/alive"),
                        tuple(WatchEvent.Type.PUT, "/other"),
                        tuple(WatchEvent.Type.DELETE, "/alive"));
                assertThat(events).extracting(WatchEvent::revision).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void logRotatesIntoASnapshotAndReadersFollow(@TempDir Path dir) throws Exception {
        byte[] kib = new byte[1024];
        try (EmbeddedStore reader = EmbeddedStore.open(dir); EmbeddedStore writer = EmbeddedStore.open(dir)) {
            Recorder recorder = new Recorder();
            try (Watch watch = reader.watch("/big/", reader.list("/").revision() + 1, recorder)) {
                int txns = (int) (EmbeddedStore.ROTATE_BYTES / (50 * 1024)) + 5;
                for (int t = 0; t < txns; t++) {
                    Transaction txn = Transaction.create();
                    for (int i = 0; i < 50; i++) {
                        txn.put(String.format("/big/%03d/%02d", t, i), kib);
                    }
                    writer.commit(txn);
                }
                writer.put("/big/last", utf8("end"));

                int events = 0;
                while (events < txns * 50 + 1) {
                    List<WatchEvent> call = recorder.calls.poll(10, TimeUnit.SECONDS);
                    assertThat(call).isNotNull();
                    events += call.size();
                }
                assertThat(reader.get("/big/last").orElseThrow().valueAsString()).isEqualTo("end");
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wal-")))
                    .containsExactly("wal-1");
        }
        try (EmbeddedStore reopened = EmbeddedStore.open(dir)) {
            assertThat(reopened.list("/big/").items()).hasSize((int) (EmbeddedStore.ROTATE_BYTES / (50 * 1024) + 5) * 50 + 1);
        }
    }

    @Test
    void callWaitsForAnotherProcessOnlyUpToTheTimeout(@TempDir Path dir) throws Exception {
        try (EmbeddedStore quick = EmbeddedStore.open(dir, Duration.ofMillis(300));
             FileChannel lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.WRITE)) {
            // Another JVM holding the lock looks like this to the store: the JVM-wide lock is free, the file lock is not.
            Thread holder = new Thread(() -> {
                try (var held = lock.lock()) {
                    Thread.sleep(1_500);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            holder.start();
            Thread.sleep(100);
            long start = System.nanoTime();

            assertThatThrownBy(() -> quick.get("/k"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("locked by another process");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            holder.join();
        }
    }

    @Test
    void interruptedCallerGetsAnErrorAndTheStoreKeepsWorking(@TempDir Path dir) {
        try (EmbeddedStore embedded = EmbeddedStore.open(dir)) {
            embedded.put("/k", utf8("1"));
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> embedded.put("/k", utf8("2")))
                        .isInstanceOf(StoreException.class).hasMessageContaining("interrupted");
            } finally {
                Thread.interrupted();
            }

            embedded.put("/k", utf8("3"));
            assertThat(embedded.get("/k").orElseThrow().valueAsString()).isEqualTo("3");
        }
    }

    @Test
    void theOnlyMemberIsThisDirectoryAndLeads() {
        assertThat(store.members()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(Member.Status.LEADER));
        assertThat(store.address()).startsWith("file:///").contains("store");
    }
}
