package io.swarmnet.control.store;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} of a single host: the cluster state in one directory, shared by every
 * swarmnet process on the host (the agent and each CLI run), with etcd's semantics.
 *
 * <p>Design notes. The directory holds a {@code snapshot} (the state at some revision,
 * written to a temporary file, forced to disk and renamed into place) and the write-ahead
 * log {@code wal-<generation>} that continues it: each change is appended as a
 * checksummed frame and forced to disk before the call returns, so what a call reported
 * written survives a crash, and a torn last frame is dropped on the next read.
 * <ul>
 *   <li>Processes take turns through an exclusive lock on the {@code lock} file (and a
 *       lock per directory inside one JVM, where file locks do not exclude). Under it a
 *       process first reads what others appended since it last looked, so a transaction's
 *       conditions are checked against the latest state: the same compare-then-write
 *       guarantee etcd gives.</li>
 *   <li>Revisions, create/mod revisions and versions follow etcd: a new store is at
 *       revision 1, each effective transaction moves it by one.</li>
 *   <li>Leases have wall-clock deadlines in the log, so they expire on time across
 *       processes and restarts. Their owner renews them every third of the TTL; whichever
 *       process notices a deadline passed writes the revocation that deletes their keys.</li>
 *   <li>Watches are fed by this process's own writes at once and by a 50 ms poll of the
 *       log for other processes' writes. Each process keeps the recent changes in memory;
 *       a watch from before them is told the history is compacted, as etcd does.</li>
 *   <li>When the log passes {@value #ROTATE_BYTES} bytes, the writer snapshots, starts the
 *       next generation, and closes the old log with a pointer to the new one so that
 *       readers holding the old file follow.</li>
 *   <li>One thread per store owns the state and the files; callers hand it their work and
 *       wait. Besides needing no locks, this keeps callers' interrupts away from the file
 *       channels, which an interrupt during I/O would close for the whole process.</li>
 * </ul>
 */
public final class EmbeddedStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The directory under a data root that holds the store. */
    public static final String DIRECTORY = "store";

    static final String SNAPSHOT = "snapshot";
    static final String SNAPSHOT_TMP = "snapshot.tmp";
    static final String LOCK = "lock";
    static final String WAL_PREFIX = "wal-";
    static final long ROTATE_BYTES = 1 << 20;
    private static final long POLL_MS = 50;
    private static final int HISTORY_LIMIT = 10_000;
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Duration timeout;
    private final FileChannel lockFile;
    private final ReentrantLock jvmLock;
    private final ScheduledThreadPoolExecutor owner;
    private final ExecutorService events;
    private final Set<EmbeddedWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Thread ownerThread;

    // Everything below is touched only on the owner thread.
    private EmbeddedState state;
    private FileChannel wal;
    private long walGeneration;
    private long walOffset;
    private final ArrayDeque<WatchEvent> history = new ArrayDeque<>();
    private long historyStart;
    private final Map<Long, EmbeddedLease> ownLeases = new HashMap<>();

    private EmbeddedStore(Path dir, Duration timeout, FileChannel lockFile) {
        this.dir = dir;
        this.timeout = timeout;
        this.lockFile = lockFile;
        this.jvmLock = JVM_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = daemon(r, "swarmnet-embedded-store");
            ownerThread = thread;
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        this.owner = t;
        this.events = Executors.newSingleThreadExecutor(r -> daemon(r, "swarmnet-store-events"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Opens the store in {@code dir} with the default request timeout; see {@link #open(Path, Duration)}. */
    public static EmbeddedStore open(Path dir) {
        return open(dir, DEFAULT_TIMEOUT);
    }

    /**
     * Opens (creating when absent, owner-only) the store in {@code dir}.
     *
     * @param timeout how long a call waits for another process to finish its turn
     * @throws StoreException naming the directory when it cannot be created or read, or
     *                        holds something that is not a swarmnet store
     */
    public static EmbeddedStore open(Path dir, Duration timeout) {
        FileChannel lockFile = null;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path real = dir.toRealPath();
            lockFile = FileChannel.open(real.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            EmbeddedStore store = new EmbeddedStore(real, timeout, lockFile);
            try {
                store.onOwner("open", () -> {
                    store.load();
                    return null;
                });
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            store.owner.scheduleWithFixedDelay(store::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
            return store;
        } catch (IOException e) {
            closeQuietly(lockFile);
            throw new StoreException("cannot open the embedded store at " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory the store lives in. */
    public Path directory() {
        return dir;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return locked("get " + key, () -> state.get(key));
    }

    @Override
    public Listing list(String prefix) {
        return locked("list " + prefix, () -> new Listing(state.range(prefix), state.revision()));
    }

    @Override
    public long put(String key, byte[] value) {
        return put(key, value, 0);
    }

    @Override
    public long put(String key, byte[] value, long leaseId) {
        return commit(Transaction.create().put(key, value, leaseId)).revision();
    }

    @Override
    public boolean delete(String key) {
        return locked("delete " + key, () -> {
            if (state.get(key).isEmpty()) {
                return false;
            }
            append(List.of(new EmbeddedLog.Txn(List.of(new Transaction.Operation(Transaction.Kind.DELETE, key, null, 0)))));
            return true;
        });
    }

    @Override
    public TransactionResult commit(Transaction transaction) {
        List<Transaction.Operation> operations = transaction.operations();
        Set<String> seen = new HashSet<>();
        for (Transaction.Operation op : operations) {
            if (op.key().isEmpty()) {
                throw new StoreException("transaction failed: empty key");
            }
            // etcd refuses this too; refusing it here keeps the two stores interchangeable.
            if (!seen.add(op.key())) {
                throw new StoreException("transaction failed: duplicate key given in txn request: " + op.key());
            }
        }
        return locked("transaction", () -> {
            for (Transaction.Condition condition : transaction.conditions()) {
                if (state.modRevision(condition.key()) != condition.modRevision()) {
                    return new TransactionResult(false, state.revision());
                }
            }
            List<Transaction.Operation> effective = new ArrayList<>(operations.size());
            for (Transaction.Operation op : operations) {
                if (op.kind() == Transaction.Kind.PUT && op.leaseId() != 0 && !state.leases().containsKey(op.leaseId())) {
                    throw new StoreException("transaction failed: requested lease not found: " + Long.toHexString(op.leaseId()));
                }
                if (state.effective(op)) {
                    effective.add(op.kind() == Transaction.Kind.PUT
                            ? new Transaction.Operation(op.kind(), op.key(), op.value().clone(), op.leaseId())
                            : op);
                }
            }
            if (!effective.isEmpty()) {
                append(List.of(new EmbeddedLog.Txn(effective)));
            }
            return new TransactionResult(true, state.revision());
        });
    }

    @Override
    public Lease grant(Duration ttl, LeaseListener listener) {
        // Whole seconds like etcd, so a TTL means the same on either store.
        long ttlMillis = Math.max(1, (ttl.toMillis() + 999) / 1000) * 1000;
        EmbeddedLease lease = locked("grant a lease", () -> {
            long id;
            do {
                id = RANDOM.nextLong() & Long.MAX_VALUE;
            } while (id == 0 || state.leases().containsKey(id));
            append(List.of(new EmbeddedLog.Grant(id, ttlMillis, System.currentTimeMillis() + ttlMillis)));
            EmbeddedLease l = new EmbeddedLease(id, Duration.ofMillis(ttlMillis), listener);
            ownLeases.put(id, l);
            return l;
        });
        long period = Math.max(100, ttlMillis / 3);
        lease.keepAlive = owner.scheduleWithFixedDelay(lease::keepAlive, period, period, TimeUnit.MILLISECONDS);
        return lease;
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        if (fromRevision < 1) {
            throw new IllegalArgumentException("watch revisions start at 1, not " + fromRevision);
        }
        return locked("watch " + prefix, () -> {
            EmbeddedWatch watch = new EmbeddedWatch(prefix, fromRevision, listener);
            if (fromRevision < historyStart) {
                long compactRevision = historyStart;
                dispatch(() -> watch.compacted(compactRevision));
                return watch;
            }
            List<WatchEvent> batch = new ArrayList<>();
            for (WatchEvent event : history) {
                if (event.revision() < fromRevision || !event.key().startsWith(prefix)) {
                    continue;
                }
                if (!batch.isEmpty() && batch.get(0).revision() != event.revision()) {
                    List<WatchEvent> ready = List.copyOf(batch);
                    dispatch(() -> watch.deliver(ready));
                    batch.clear();
                }
                batch.add(event);
            }
            if (!batch.isEmpty()) {
                List<WatchEvent> ready = List.copyOf(batch);
                dispatch(() -> watch.deliver(ready));
            }
            long current = state.revision();
            dispatch(() -> watch.progress(current));
            watches.add(watch);
            return watch;
        });
    }

    /** The store's one "member": this directory, always the leader. */
    @Override
    public List<URI> memberClientUrls() {
        return List.of(dir.toUri());
    }

    @Override
    public List<Member> members() {
        return List.of(new Member("embedded", List.of(dir.toUri()), Member.Status.LEADER));
    }

    @Override
    public String address() {
        return dir.toUri().toString();
    }

    /**
     * Forgets this process's change history before {@code revision}, as an etcd compaction
     * does: a watch from an earlier revision is then told to re-list. The stored state is
     * untouched.
     */
    public void compact(long revision) {
        locked("compact", () -> {
            while (!history.isEmpty() && history.peekFirst().revision() < revision) {
                history.removeFirst();
            }
            historyStart = Math.max(historyStart, Math.min(revision, state.revision() + 1));
            return null;
        });
    }

    /** Revokes a lease by id, as another client of the store could; for tests of lease loss. */
    void revokeLease(long leaseId) {
        locked("revoke lease " + Long.toHexString(leaseId), () -> {
            if (state.leases().containsKey(leaseId)) {
                append(List.of(new EmbeddedLog.Revoke(leaseId)));
            }
            return null;
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<EmbeddedWatch> open = new ArrayList<>(watches);
        watches.clear();
        // Outside any store work: a listener running now holds its watch's monitor and may
        // be calling the store.
        open.forEach(EmbeddedWatch::stop);
        try {
            // Queued before the shutdown, so it runs; leases stop being kept alive.
            owner.execute(() -> new ArrayList<>(ownLeases.values()).forEach(EmbeddedLease::close));
        } catch (RejectedExecutionException e) {
            LOG.debug("embedded store at {} closed twice", dir);
        }
        // Without interrupting: an interrupt during I/O would close the channels mid-write.
        owner.shutdown();
        try {
            if (!owner.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("embedded store at {}: its thread did not finish within {}", dir, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(wal);
        events.shutdownNow();
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing a store file failed", e);
            }
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} on the owner thread with this process's turn on the store: after
     * catching up with what other processes wrote and expiring leases past their deadline.
     */
    private <T> T locked(String what, LockedAction<T> action) {
        return onOwner(what, () -> {
            FileLock lock = lock(what);
            try {
                refresh();
                expireDue();
                return action.run();
            } finally {
                unlock(lock);
            }
        });
    }

    /** Runs {@code work} on the owner thread and waits for it, within the timeout once it started. */
    private <T> T onOwner(String what, LockedAction<T> work) {
        ensureOpen();
        if (Thread.currentThread() == ownerThread) {
            return runWork(what, work);
        }
        AtomicBoolean abandoned = new AtomicBoolean();
        Future<T> future;
        try {
            future = owner.submit(() -> {
                if (abandoned.get()) {
                    throw new CancellationException();
                }
                return runWork(what, work);
            });
        } catch (RejectedExecutionException e) {
            throw new StoreException("the embedded store at " + dir + " is closed");
        }
        try {
            // The owner waits at most the timeout for the file lock; allow as much again for queued work.
            return future.get(2 * timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abandoned.set(true);
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted during " + what + " on the embedded store at " + dir, e);
        } catch (TimeoutException e) {
            abandoned.set(true);
            throw new StoreUnavailableException("the embedded store at " + dir + " did not answer within "
                    + 2 * timeout.toSeconds() + "s (" + what + ")", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StoreException("embedded store at " + dir + ": " + what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private <T> T runWork(String what, LockedAction<T> work) {
        try {
            return work.run();
        } catch (IOException e) {
            throw new StoreException("embedded store at " + dir + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the embedded store at " + dir + " is closed");
        }
    }

    private FileLock lock(String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the embedded store at " + dir + " (" + what + ")", e);
        }
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = lockFile.tryLock();
                } catch (OverlappingFileLockException e) {
                    // Something else in this JVM holds a lock on the file: wait like for another process.
                    lock = null;
                }
                if (lock != null) {
                    return lock;
                }
                if (System.nanoTime() > deadline) {
                    throw busy(what);
                }
                Thread.sleep(2);
            }
        } catch (IOException e) {
            jvmLock.unlock();
            throw new StoreException("cannot lock the embedded store at " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            jvmLock.unlock();
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the embedded store at " + dir + " (" + what + ")", e);
        } catch (RuntimeException e) {
            jvmLock.unlock();
            throw e;
        }
    }

    private StoreUnavailableException busy(String what) {
        return new StoreUnavailableException("the embedded store at " + dir + " stayed locked by another process for "
                + timeout.toSeconds() + "s (" + what + ")", null);
    }

    private void unlock(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the store lock failed", e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Reads the snapshot and replays its log; drops a torn last frame and stale files. */
    private void load() throws IOException {
        FileLock lock = lock("open");
        try {
            Path snapshot = dir.resolve(SNAPSHOT);
            if (Files.exists(snapshot)) {
                EmbeddedLog.Snapshot s = EmbeddedLog.readSnapshot(snapshot);
                state = s.state();
                walGeneration = s.generation();
                // The snapshot holds the state at its revision but not the changes before.
                historyStart = state.revision() + 1;
            } else {
                state = new EmbeddedState(1);
                walGeneration = 0;
                historyStart = 1;
            }
            wal = FileChannel.open(walPath(walGeneration), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            walOffset = 0;
            refresh();
            Files.deleteIfExists(dir.resolve(SNAPSHOT_TMP));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, WAL_PREFIX + "*")) {
                for (Path file : files) {
                    if (!file.equals(walPath(walGeneration))) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            expireDue();
        } catch (IOException e) {
            throw new StoreException("cannot open the embedded store at " + dir + ": " + e.getMessage(), e);
        } finally {
            unlock(lock);
        }
    }

    private Path walPath(long generation) {
        return dir.resolve(WAL_PREFIX + generation);
    }

    /** Applies what was appended since this process last read, following log rotations. */
    private void refresh() throws IOException {
        while (true) {
            long size = wal.size();
            if (size > walOffset) {
                ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - walOffset));
                int n;
                do {
                    n = wal.read(buf, walOffset + buf.position());
                } while (n >= 0 && buf.hasRemaining());
                buf.flip();
                List<EmbeddedLog.Entry> entries = EmbeddedLog.decode(buf);
                long good = walOffset + buf.position();
                Long next = null;
                for (EmbeddedLog.Entry entry : entries) {
                    if (entry instanceof EmbeddedLog.Rotate rotate) {
                        next = rotate.generation();
                        break;
                    }
                    publish(state.apply(entry), entry);
                }
                walOffset = good;
                if (next != null) {
                    follow(next);
                    continue;
                }
                if (good < size) {
                    // Only a writer that died mid-append leaves this: we hold the lock.
                    LOG.warn("embedded store at {}: dropped {} bytes of a torn write at the end of {}",
                            dir, size - good, walPath(walGeneration).getFileName());
                    wal.truncate(good);
                }
            }
            return;
        }
    }

    /** Moves to the next log generation, or reloads from the snapshot when this process fell behind more than one. */
    private void follow(long generation) throws IOException {
        FileChannel next;
        try {
            next = FileChannel.open(walPath(generation), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            reload();
            return;
        }
        closeQuietly(wal);
        wal = next;
        walGeneration = generation;
        walOffset = 0;
    }

    /** Starts over from the snapshot; the changes in between are lost to this process's watches. */
    private void reload() throws IOException {
        EmbeddedLog.Snapshot s = EmbeddedLog.readSnapshot(dir.resolve(SNAPSHOT));
        closeQuietly(wal);
        state = s.state();
        walGeneration = s.generation();
        wal = FileChannel.open(walPath(walGeneration), StandardOpenOption.READ, StandardOpenOption.WRITE);
        walOffset = 0;
        history.clear();
        historyStart = state.revision() + 1;
        long compactRevision = historyStart;
        for (EmbeddedWatch watch : watches) {
            dispatch(() -> watch.compacted(compactRevision));
        }
        watches.clear();
        refresh();
    }

    /** Writes the revocation of every lease whose deadline has passed. */
    private void expireDue() throws IOException {
        long now = System.currentTimeMillis();
        if (state.nextDeadline() > now) {
            return;
        }
        List<EmbeddedLog.Entry> revokes = new ArrayList<>();
        for (EmbeddedState.LeaseEntry lease : state.leases().values()) {
            if (lease.deadline <= now) {
                revokes.add(new EmbeddedLog.Revoke(lease.id));
            }
        }
        append(revokes);
    }

    /** Appends entries, forces them to disk, then applies them; rotates the log when it grew too long. */
    private void append(List<EmbeddedLog.Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        ByteBuffer frames = EmbeddedLog.encode(entries);
        long at = walOffset;
        try {
            while (frames.hasRemaining()) {
                wal.write(frames, at + frames.position());
            }
            wal.force(false);
        } catch (IOException e) {
            // Leave no half-written frame for the next reader to trip over.
            wal.truncate(at);
            throw e;
        }
        walOffset = at + frames.limit();
        for (EmbeddedLog.Entry entry : entries) {
            publish(state.apply(entry), entry);
        }
        if (walOffset > ROTATE_BYTES) {
            rotate();
        }
    }

    private void rotate() throws IOException {
        long next = walGeneration + 1;
        Path tmp = dir.resolve(SNAPSHOT_TMP);
        EmbeddedLog.writeSnapshot(tmp, next, state);
        FileChannel nextWal = FileChannel.open(walPath(next), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            nextWal.force(true);
            try {
                Files.move(tmp, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system under " + dir + " cannot rename atomically", e);
            }
            forceDirectory();
            // From here the snapshot and the new log are the state; the old log only tells
            // processes still reading it where to go.
            ByteBuffer pointer = EmbeddedLog.encode(List.of(new EmbeddedLog.Rotate(next)));
            while (pointer.hasRemaining()) {
                wal.write(pointer, walOffset + pointer.position());
            }
            wal.force(false);
        } catch (IOException e) {
            closeQuietly(nextWal);
            Files.deleteIfExists(walPath(next));
            throw e;
        }
        Path old = walPath(walGeneration);
        closeQuietly(wal);
        Files.deleteIfExists(old);
        wal = nextWal;
        walGeneration = next;
        walOffset = 0;
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Records the changes in the history, hands them to the watches, and settles ended leases. */
    private void publish(List<WatchEvent> changes, EmbeddedLog.Entry cause) {
        if (cause instanceof EmbeddedLog.Revoke revoke) {
            EmbeddedLease own = ownLeases.remove(revoke.id());
            if (own != null) {
                own.ended();
            }
        }
        if (changes.isEmpty()) {
            return;
        }
        history.addAll(changes);
        trimHistory();
        long revision = changes.get(0).revision();
        for (EmbeddedWatch watch : watches) {
            List<WatchEvent> matching = new ArrayList<>(changes.size());
            for (WatchEvent event : changes) {
                if (event.key().startsWith(watch.prefix)) {
                    matching.add(event);
                }
            }
            if (matching.isEmpty()) {
                dispatch(() -> watch.progress(revision));
            } else {
                List<WatchEvent> ready = List.copyOf(matching);
                dispatch(() -> watch.deliver(ready));
            }
        }
    }

    private void trimHistory() {
        while (history.size() > HISTORY_LIMIT) {
            long oldest = history.peekFirst().revision();
            while (!history.isEmpty() && history.peekFirst().revision() == oldest) {
                history.removeFirst();
            }
            historyStart = oldest + 1;
        }
    }

    /** Runs on the owner thread: catches up with other processes when the log grew or a lease is due. */
    private void poll() {
        if (closed) {
            return;
        }
        try {
            if (wal.size() != walOffset || state.nextDeadline() <= System.currentTimeMillis()) {
                locked("poll", () -> null);
            }
        } catch (IOException | StoreException e) {
            if (!closed) {
                LOG.warn("embedded store at {}: cannot read other processes' changes: {}", dir, e.getMessage());
            }
        }
    }

    private void dispatch(Runnable task) {
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("store listener failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // The store is closing; nobody listens any more.
        }
    }

    /** A lease this process granted and keeps alive. */
    private final class EmbeddedLease extends AbstractLease {
        private volatile ScheduledFuture<?> keepAlive;
        private boolean unreachable;

        EmbeddedLease(long id, Duration ttl, LeaseListener listener) {
            super(id, ttl, listener);
        }

        /** Runs on the owner thread: renews the lease, or learns that it is gone. */
        void keepAlive() {
            if (closed) {
                return;
            }
            try {
                boolean renewed = locked("keep lease " + Long.toHexString(id) + " alive", () -> {
                    if (!EmbeddedStore.this.state.leases().containsKey(id) || state.get() != State.ALIVE && state.get() != State.UNREACHABLE) {
                        return false;
                    }
                    append(List.of(new EmbeddedLog.Renew(id, System.currentTimeMillis() + ttl.toMillis())));
                    return true;
                });
                if (renewed && moveTo(State.ALIVE)) {
                    unreachable = false;
                    long seconds = ttl.toSeconds();
                    dispatch(() -> listener.onKeepAlive(seconds));
                }
            } catch (StoreException e) {
                if (!unreachable && moveTo(State.UNREACHABLE)) {
                    unreachable = true;
                    dispatch(() -> listener.onUnreachable(e));
                }
            }
        }

        /** The lease was revoked or expired in the log (by anyone); called under the store's monitor. */
        void ended() {
            stopKeepAlive();
            if (moveTo(State.EXPIRED)) {
                dispatch(listener::onExpired);
            }
        }

        @Override
        public void revoke() {
            if (!moveTo(State.REVOKED)) {
                if (state.get() != State.CLOSED) {
                    return;
                }
                state.set(State.REVOKED);
            }
            stopKeepAlive();
            revokeLease(id);
        }

        @Override
        public void close() {
            if (moveTo(State.CLOSED)) {
                stopKeepAlive();
            }
        }

        private void stopKeepAlive() {
            ScheduledFuture<?> k = keepAlive;
            if (k != null) {
                k.cancel(false);
            }
        }
    }

    /** A watch fed on the store's event thread. */
    private final class EmbeddedWatch implements Watch {
        private final String prefix;
        private final WatchListener listener;
        private volatile long nextRevision;
        private boolean closed;

        EmbeddedWatch(String prefix, long fromRevision, WatchListener listener) {
            this.prefix = prefix;
            this.nextRevision = fromRevision;
            this.listener = listener;
        }

        @Override
        public long nextRevision() {
            return nextRevision;
        }

        synchronized void deliver(List<WatchEvent> batch) {
            if (closed) {
                return;
            }
            nextRevision = batch.get(batch.size() - 1).revision() + 1;
            listener.onEvents(batch);
        }

        /** Nothing under the prefix changed up to {@code revision}. */
        synchronized void progress(long revision) {
            if (!closed && revision + 1 > nextRevision) {
                nextRevision = revision + 1;
            }
        }

        synchronized void compacted(long compactRevision) {
            if (closed) {
                return;
            }
            closed = true;
            listener.onCompacted(compactRevision);
        }

        synchronized void stop() {
            closed = true;
        }

        @Override
        public void close() {
            stop();
            watches.remove(this);
        }
    }
}
