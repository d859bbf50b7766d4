package io.swarmnet.control.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Store} over an etcd v3 cluster through jetcd.
 *
 * <p>Design notes. jetcd owns the connection: it picks the first endpoint that answers and
 * fails over to the next when it goes away. On top of that this class adds what swarmnet
 * needs and jetcd leaves open:
 * <ul>
 *   <li>Every call is bounded by the request timeout, and calls fail fast instead of
 *       queueing while no member is reachable ({@code waitForReady(false)}), so an outage
 *       is an error that names the endpoints, never a hang.</li>
 *   <li>Watches track the next revision themselves and, on any stream failure, reopen from
 *       it; jetcd's own resume can skip revisions when a stream breaks between its
 *       "created" answer and the first events. Compaction ends the watch with a signal.</li>
 *   <li>Watch and lease callbacks are handed to one event thread, so a listener sees one
 *       call at a time, in order, and never blocks jetcd's I/O threads.</li>
 * </ul>
 */
public final class EtcdStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    // etcd answers at most ~1.5 MiB by default; pages keep a big listing under that.
    private static final int PAGE_SIZE = 500;
    private static final int LIST_ATTEMPTS = 3;
    private static final long WATCH_RETRY_MIN_MS = 500;
    private static final long WATCH_RETRY_MAX_MS = 5_000;
    // Netty's native transport words errors as "finishConnect(..) failed with error(-111): Connection refused".
    private static final Pattern NATIVE_PREFIX = Pattern.compile("^\\w+\\(\\.\\.\\) failed with error\\(-\\d+\\): ");

    private final StoreAddress address;
    private final Duration timeout;
    private final Client client;
    private final KV kv;
    private final ScheduledExecutorService events;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private EtcdStore(StoreAddress address, Duration timeout, Client client) {
        this.address = address;
        this.timeout = timeout;
        this.client = client;
        this.kv = client.getKVClient();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "swarmnet-store-events");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.events = executor;
    }

    /**
     * Connects to the etcd cluster at {@code address} and checks that a member answers.
     *
     * @param timeout bounds the connection attempt and, afterwards, every request
     * @throws StoreUnavailableException naming the endpoints when none answers in time
     */
    public static EtcdStore connect(StoreAddress address, Duration timeout) {
        if (!StoreAddress.ETCD.equals(address.scheme())) {
            throw new IllegalArgumentException("not an etcd address: " + address);
        }
        URI[] uris = address.endpoints().stream().map(e -> URI.create("http://" + e)).toArray(URI[]::new);
        Client client = Client.builder()
                .endpoints(uris)
                .connectTimeout(timeout)
                .waitForReady(false)
                .retryMaxDuration(timeout)
                // Finds a silently dead member (host gone, cable cut) without waiting for TCP.
                // etcd refuses pings more often than every 5 s, so stay above that.
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .build();
        EtcdStore store = new EtcdStore(address, timeout, client);
        try {
            store.memberClientUrls();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        GetResponse response = await(kv.get(bytes(key)), "get " + key);
        return response.getKvs().stream().findFirst().map(EtcdStore::keyValue);
    }

    @Override
    public Listing list(String prefix) {
        for (int attempt = 1; ; attempt++) {
            try {
                return listOnce(prefix);
            } catch (StoreException e) {
                // A compaction between two pages removed the revision the first page was
                // read at; a fresh listing at the current revision is consistent again.
                if (!(e.getCause() instanceof CompactedException) || attempt == LIST_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Listing listOnce(String prefix) {
        ByteSequence end = ByteSequence.from(prefixEnd(prefix.getBytes(StandardCharsets.UTF_8)));
        List<KeyValue> items = new ArrayList<>();
        ByteSequence from = bytes(prefix);
        long revision = 0;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_SIZE);
            if (revision != 0) {
                option.withRevision(revision);
            }
            GetResponse page = await(kv.get(from, option.build()), "list " + prefix);
            if (revision == 0) {
                revision = page.getHeader().getRevision();
            }
            page.getKvs().forEach(kv -> items.add(keyValue(kv)));
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return new Listing(items, revision);
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    @Override
    public long put(String key, byte[] value) {
        return put(key, value, 0);
    }

    @Override
    public long put(String key, byte[] value, long leaseId) {
        PutOption option = PutOption.builder().withLeaseId(leaseId).build();
        return await(kv.put(bytes(key), ByteSequence.from(value), option), "put " + key).getHeader().getRevision();
    }

    @Override
    public boolean delete(String key) {
        return await(kv.delete(bytes(key)), "delete " + key).getDeleted() > 0;
    }

    @Override
    public TransactionResult commit(Transaction transaction) {
        Cmp[] conditions = transaction.conditions().stream()
                .map(c -> new Cmp(bytes(c.key()), Cmp.Op.EQUAL, CmpTarget.modRevision(c.modRevision())))
                .toArray(Cmp[]::new);
        Op[] operations = transaction.operations().stream()
                .map(o -> o.kind() == Transaction.Kind.PUT
                        ? Op.put(bytes(o.key()), ByteSequence.from(o.value()),
                                PutOption.builder().withLeaseId(o.leaseId()).build())
                        : Op.delete(bytes(o.key()), DeleteOption.DEFAULT))
                .toArray(Op[]::new);
        TxnResponse response = await(kv.txn().If(conditions).Then(operations).commit(), "transaction");
        return new TransactionResult(response.isSucceeded(), response.getHeader().getRevision());
    }

    @Override
    public Lease grant(Duration ttl, LeaseListener listener) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        var granted = await(client.getLeaseClient().grant(seconds), "grant a lease");
        EtcdLease lease = new EtcdLease(granted.getID(), Duration.ofSeconds(granted.getTTL()), listener);
        leases.add(lease);
        lease.keepAlive = client.getLeaseClient().keepAlive(lease.id, lease);
        return lease;
    }

    @Override
    public Watch watch(String prefix, long fromRevision, WatchListener listener) {
        if (fromRevision < 1) {
            throw new IllegalArgumentException("watch revisions start at 1, not " + fromRevision);
        }
        ensureOpen();
        EtcdWatch watch = new EtcdWatch(prefix, fromRevision, listener);
        watches.add(watch);
        events.execute(watch::open);
        return watch;
    }

    @Override
    public List<URI> memberClientUrls() {
        var response = await(client.getClusterClient().listMember(), "list members");
        return response.getMembers().stream().flatMap(m -> m.getClientURIs().stream()).toList();
    }

    @Override
    public List<Member> members() {
        var listed = await(client.getClusterClient().listMember(), "list members").getMembers();
        // Each member is asked on a channel of its own, all at once, so the whole call is
        // bounded by one request timeout however many members are dead.
        List<CompletableFuture<StatusResponse>> asked = new ArrayList<>(listed.size());
        for (var member : listed) {
            asked.add(member.getClientURIs().isEmpty()
                    ? CompletableFuture.failedFuture(new IOException("member " + member.getName() + " has no client URL"))
                    : client.getMaintenanceClient().statusMember(member.getClientURIs().get(0).toString()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<StatusResponse> answers = new ArrayList<>(listed.size());
        long leader = 0;
        for (CompletableFuture<StatusResponse> future : asked) {
            StatusResponse answer = null;
            try {
                answer = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                leader = answer.getLeader();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while asking the etcd members at " + endpoints() + " for their status", e);
            } catch (ExecutionException | TimeoutException e) {
                future.cancel(true);
            }
            answers.add(answer);
        }
        List<Member> members = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            var member = listed.get(i);
            Member.Status status = answers.get(i) == null ? Member.Status.UNREACHABLE
                    : member.getId() == leader ? Member.Status.LEADER : Member.Status.REACHABLE;
            String name = member.getName().isEmpty() ? Long.toHexString(member.getId()) : member.getName();
            members.add(new Member(name, member.getClientURIs(), status));
        }
        return members;
    }

    @Override
    public String address() {
        return address.toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watches.forEach(EtcdWatch::close);
        leases.forEach(EtcdLease::close);
        events.shutdownNow();
        client.close();
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("the store client for " + address + " is closed");
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        ensureOpen();
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreUnavailableException(unreachable(what, "no answer within " + seconds(timeout)), e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted during " + what + " at etcd " + endpoints(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isUnavailable(cause)) {
                throw new StoreUnavailableException(unreachable(what, rootMessage(cause)), cause);
            }
            throw new StoreException("etcd " + what + " failed: " + rootMessage(cause), cause);
        }
    }

    private String unreachable(String what, String reason) {
        return "cannot reach etcd at " + endpoints() + " (" + what + "): " + reason;
    }

    private String endpoints() {
        return String.join(", ", address.endpoints());
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean isUnavailable(Throwable t) {
        String code = statusCode(t);
        return code.equals("UNAVAILABLE") || code.equals("DEADLINE_EXCEEDED") || code.equals("CANCELLED")
                || t instanceof TimeoutException || t instanceof IOException;
    }

    private static boolean isLeaseGone(Throwable t) {
        return t != null && statusCode(t).equals("NOT_FOUND");
    }

    /** The gRPC status code name; jetcd reports some failures as its own exception, some as gRPC's. */
    private static String statusCode(Throwable t) {
        if (t instanceof EtcdException e) {
            return e.getErrorCode().name();
        }
        return Status.fromThrowable(t).getCode().name();
    }

    /** The innermost message: for a refused connection "Connection refused: /10.0.0.1:2379". */
    static String rootMessage(Throwable t) {
        String message = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
            }
        }
        if (message == null) {
            return t.getClass().getSimpleName();
        }
        String line = message.lines().findFirst().orElse(message);
        return NATIVE_PREFIX.matcher(line).replaceFirst("");
    }

    /** The first key after every key that starts with {@code prefix}, etcd's range end for a prefix. */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        // The empty prefix, or all 0xff: "\0" is etcd's "to the end of the key space".
        return new byte[] {0};
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    private static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(),
                kv.getCreateRevision(), kv.getModRevision(), kv.getVersion(), kv.getLease());
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

    /** A lease kept alive by jetcd; its state moves on jetcd's threads, its listener runs on ours. */
    private final class EtcdLease extends AbstractLease implements StreamObserver<LeaseKeepAliveResponse> {
        private volatile CloseableClient keepAlive;

        EtcdLease(long id, Duration ttl, LeaseListener listener) {
            super(id, ttl, listener);
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            long ttlSeconds = response.getTTL();
            if (moveTo(State.ALIVE)) {
                dispatch(() -> listener.onKeepAlive(ttlSeconds));
            }
        }

        @Override
        public void onError(Throwable t) {
            if (isLeaseGone(t)) {
                expired();
            } else if (moveTo(State.UNREACHABLE)) {
                dispatch(() -> listener.onUnreachable(t));
            }
        }

        @Override
        public void onCompleted() {
            // jetcd completes a keep-alive when no answer came within the TTL: the store
            // has expired the lease by now, or will before it could be renewed.
            expired();
        }

        private void expired() {
            if (moveTo(State.EXPIRED)) {
                stopKeepAlive();
                dispatch(listener::onExpired);
            }
        }

        @Override
        public void revoke() {
            boolean wasExpired = state.getAndUpdate(s -> s == State.EXPIRED ? s : State.REVOKED) == State.EXPIRED;
            stopKeepAlive();
            if (wasExpired) {
                return;
            }
            try {
                await(client.getLeaseClient().revoke(id), "revoke lease " + Long.toHexString(id));
            } catch (StoreException e) {
                if (!isLeaseGone(e.getCause())) {
                    throw e;
                }
            }
        }

        @Override
        public void close() {
            if (moveTo(State.CLOSED)) {
                stopKeepAlive();
            }
        }

        private void stopKeepAlive() {
            leases.remove(this);
            CloseableClient k = keepAlive;
            if (k != null) {
                k.close();
            }
        }
    }

    /** A watch that reopens itself from the next revision after any stream failure. */
    private final class EtcdWatch implements Watch {
        private final String prefix;
        private final WatchListener listener;
        private volatile long nextRevision;
        private volatile boolean closed;
        private volatile io.etcd.jetcd.Watch.Watcher watcher;
        // The fields below are touched only on the event thread.
        private int generation;
        private boolean reopening;
        private long retryMillis = WATCH_RETRY_MIN_MS;

        EtcdWatch(String prefix, long fromRevision, WatchListener listener) {
            this.prefix = prefix;
            this.nextRevision = fromRevision;
            this.listener = listener;
        }

        @Override
        public long nextRevision() {
            return nextRevision;
        }

        void open() {
            if (closed) {
                return;
            }
            int gen = ++generation;
            reopening = false;
            WatchOption option = WatchOption.builder()
                    .isPrefix(true)
                    .withRevision(nextRevision)
                    // Lets an idle watch advance nextRevision, so a reopen after a long quiet
                    // spell does not start below the compaction point.
                    .withProgressNotify(true)
                    // A member cut off from the quorum ends the stream instead of keeping it
                    // open and silent, so the watch moves to a member that still gets commits.
                    .withRequireLeader(true)
                    // The "created" answer names the serving member (failover metrics) and
                    // proves the stream is up, which resets the reopen backoff.
                    .withCreateNotify(true)
                    .build();
            try {
                watcher = client.getWatchClient().watch(bytes(prefix), option, new io.etcd.jetcd.Watch.Listener() {
                    @Override
                    public void onNext(io.etcd.jetcd.watch.WatchResponse response) {
                        dispatch(() -> deliver(gen, response));
                    }

                    @Override
                    public void onError(Throwable t) {
                        dispatch(() -> failed(gen, t));
                    }

                    @Override
                    public void onCompleted() {
                        dispatch(() -> failed(gen, null));
                    }
                });
            } catch (RuntimeException e) {
                failed(gen, e);
                return;
            }
            if (closed) {
                // close() ran while the stream was being opened and could not see it.
                watcher.close();
            }
        }

        private void deliver(int gen, io.etcd.jetcd.watch.WatchResponse response) {
            if (gen != generation) {
                return;
            }
            if (response.isCreatedNotify()) {
                retryMillis = WATCH_RETRY_MIN_MS;
                long memberId = response.getHeader().getMemberId();
                synchronized (this) {
                    if (!closed) {
                        listener.onStreamOpened(memberId);
                    }
                }
                return;
            }
            if (response.isProgressNotify()) {
                nextRevision = Math.max(nextRevision, response.getHeader().getRevision() + 1);
                return;
            }
            List<WatchEvent> batch = new ArrayList<>(response.getEvents().size());
            long floor = nextRevision;
            for (var event : response.getEvents()) {
                var kv = event.getKeyValue();
                // A reopened stream may repeat what was delivered; revisions below floor were.
                if (kv.getModRevision() < floor) {
                    continue;
                }
                switch (event.getEventType()) {
                    case PUT -> batch.add(new WatchEvent(WatchEvent.Type.PUT,
                            kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(), kv.getModRevision()));
                    case DELETE -> batch.add(new WatchEvent(WatchEvent.Type.DELETE,
                            kv.getKey().toString(StandardCharsets.UTF_8), new byte[0], kv.getModRevision()));
                    default -> LOG.warn("ignored an unknown etcd event type on {} at revision {}", kv.getKey(), kv.getModRevision());
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            retryMillis = WATCH_RETRY_MIN_MS;
            synchronized (this) {
                if (closed) {
                    return;
                }
                nextRevision = batch.get(batch.size() - 1).revision() + 1;
                listener.onEvents(List.copyOf(batch));
            }
        }

        private void failed(int gen, Throwable t) {
            if (gen != generation || reopening || closed) {
                return;
            }
            reopening = true;
            io.etcd.jetcd.Watch.Watcher w = watcher;
            if (w != null) {
                w.close();
            }
            if (t instanceof CompactedException compacted) {
                long compactRevision = compacted.getCompactedRevision();
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    watches.remove(this);
                    listener.onCompacted(compactRevision);
                }
                return;
            }
            LOG.debug("watch of {} broke at revision {} ({}); reopening in {} ms",
                    prefix, nextRevision, t == null ? "stream ended" : rootMessage(t), retryMillis);
            synchronized (this) {
                if (closed) {
                    return;
                }
                listener.onReconnecting(nextRevision, t);
            }
            try {
                events.schedule(() -> {
                    if (gen == generation) {
                        open();
                    }
                }, retryMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return;
            }
            retryMillis = Math.min(retryMillis * 2, WATCH_RETRY_MAX_MS);
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            watches.remove(this);
            io.etcd.jetcd.Watch.Watcher w = watcher;
            if (w != null) {
                w.close();
            }
        }
    }
}
