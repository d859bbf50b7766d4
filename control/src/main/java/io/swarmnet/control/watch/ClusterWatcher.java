package io.swarmnet.control.watch;

import io.swarmnet.control.store.Keys;
import io.swarmnet.control.store.Listing;
import io.swarmnet.control.store.Store;
import io.swarmnet.control.store.StoreException;
import io.swarmnet.control.store.Watch;
import io.swarmnet.control.store.WatchEvent;
import io.swarmnet.control.store.WatchListener;
import io.swarmnet.control.view.ClusterView;
import io.swarmnet.control.view.ClusterViewListener;
import io.swarmnet.control.view.ViewUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin client of the cluster state: keeps a {@link ClusterView} of everything under
 * {@link Keys#ROOT} up to date and hands each new view to its listeners.
 *
 * <p>Design notes. It lists the prefix at revision R, then watches from R + 1, so every
 * change after the listing arrives exactly once. Changes are applied strictly in revision
 * order on the watcher's one thread; the view is published through one volatile reference,
 * so readers never lock. The store's watch survives disconnects and manager failover on
 * its own, resuming after the last delivered revision; changes at or below the view's
 * revision are dropped as a second guard. When the store has compacted the revisions the
 * watch needs, the watcher lists again and emits the difference to its last view, so
 * listeners always see changes, never a reset. When no manager answers, the last view
 * stays: the data plane keeps forwarding on it.
 *
 * <p>Lifecycle: construct, {@link #addListener add listeners}, {@link #start()}, read
 * {@link #view()} at will, {@link #close()}.
 */
public final class ClusterWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final long LIST_RETRY_MIN_MS = 250;
    private static final long LIST_RETRY_MAX_MS = 5_000;

    private final Store store;
    private final List<ClusterViewListener> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor executor;
    private final WatcherMetrics metrics = new WatcherMetrics();
    private final Object published = new Object();
    private final ConcurrentLinkedQueue<Batch> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile ClusterView view = ClusterView.EMPTY;
    private volatile boolean started;
    private volatile boolean closed;
    // Touched only on the watcher thread.
    private Watch watch;
    private int generation;
    private long servingMember;
    private long listRetryMillis = LIST_RETRY_MIN_MS;

    public ClusterWatcher(Store store) {
        this.store = store;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "swarmnet-cluster-watcher");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    /**
     * A one-off view of the store as of now, without watching: for commands that read the
     * cluster state once. Records that do not decode are logged and left out.
     *
     * @throws StoreException when no manager answers
     */
    public static ClusterView listOnce(Store store) {
        return ViewApplier.relist(ClusterView.EMPTY, store.list(Keys.ROOT)).view();
    }

    /**
     * Adds a listener for every later view. Add listeners before {@link #start()} to see
     * every update from the first listing on.
     */
    public void addListener(ClusterViewListener listener) {
        listeners.add(listener);
    }

    public void removeListener(ClusterViewListener listener) {
        listeners.remove(listener);
    }

    /**
     * Starts listing and watching in the background; returns at once. Until the first
     * listing succeeds the view is {@link ClusterView#EMPTY}; a failed listing is retried
     * until a manager answers.
     *
     * @throws IllegalStateException when started twice or after close
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the watcher is closed" : "the watcher is already started");
        }
        started = true;
        executor.execute(() -> listAndWatch(ViewUpdate.Cause.INITIAL));
    }

    /** The latest view; never null. Cheap: one volatile read. */
    public ClusterView view() {
        return view;
    }

    public WatcherMetrics metrics() {
        return metrics;
    }

    /**
     * Waits until the view reaches {@code revision}, e.g. the revision of one's own write.
     *
     * @return whether it did within the timeout
     */
    public boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (published) {
            while (view.revision() < revision) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(published, left);
            }
            return true;
        }
    }

    /** Stops watching; no listener call starts after this returns. The last view stays readable. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        executor.execute(this::closeWatch);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        synchronized (published) {
            published.notifyAll();
        }
    }

    private void closeWatch() {
        Watch w = watch;
        watch = null;
        generation++;
        if (w != null) {
            w.close();
        }
    }

    /** Lists the prefix, publishes the difference to the current view, and watches on from there. */
    private void listAndWatch(ViewUpdate.Cause cause) {
        if (closed) {
            return;
        }
        Listing listing;
        ViewApplier.Step step;
        try {
            listing = store.list(Keys.ROOT);
            step = ViewApplier.relist(view, listing);
        } catch (StoreException | IllegalStateException e) {
            metrics.listFailed();
            LOG.warn("cannot list the cluster state at {}, retrying in {} ms: {}", store.address(), listRetryMillis, e.getMessage());
            schedule(() -> listAndWatch(cause), listRetryMillis);
            listRetryMillis = Math.min(listRetryMillis * 2, LIST_RETRY_MAX_MS);
            return;
        }
        listRetryMillis = LIST_RETRY_MIN_MS;
        if (cause == ViewUpdate.Cause.RELIST) {
            metrics.relisted();
            LOG.info("re-listed the cluster state at revision {}: {} records changed", listing.revision(), step.changes().size());
        }
        metrics.rejected(step.rejected());
        publish(step, cause);
        int gen = ++generation;
        try {
            watch = store.watch(Keys.ROOT, listing.revision() + 1, new Listener(gen));
        } catch (StoreException e) {
            // Only a closed store refuses a watch; nothing more will come from it.
            LOG.warn("cannot watch the cluster state at {}: {}", store.address(), e.getMessage());
        }
    }

    /** Applies every batch that arrived so far, in order, as one update. */
    private void drain() {
        drainScheduled.set(false);
        List<WatchEvent> events = new ArrayList<>();
        long firstArrival = 0;
        for (Batch b = pending.poll(); b != null; b = pending.poll()) {
            if (b.gen() == generation) {
                if (events.isEmpty()) {
                    firstArrival = b.arrivedNanos();
                }
                events.addAll(b.events());
            }
        }
        if (events.isEmpty() || closed) {
            return;
        }
        ViewApplier.Step step = ViewApplier.apply(view, events);
        metrics.skipped(step.skipped());
        metrics.rejected(step.rejected());
        if (step.applied() > 0) {
            publish(step, ViewUpdate.Cause.EVENTS);
            metrics.applied(System.nanoTime() - firstArrival);
            long now = System.currentTimeMillis();
            step.commitStamps().forEach(stamp -> metrics.committedAgo(now - stamp));
        }
    }

    private void compacted(int gen, long compactRevision) {
        if (gen != generation || closed) {
            return;
        }
        LOG.warn("the store compacted revisions up to {} before the watch read them (view at {}); re-listing",
                compactRevision, view.revision());
        watch = null;
        generation++;
        listAndWatch(ViewUpdate.Cause.RELIST);
    }

    private void streamOpened(int gen, long memberId) {
        if (gen != generation) {
            return;
        }
        if (servingMember != 0 && servingMember != memberId) {
            metrics.failedOver();
            LOG.info("the watch moved to manager {} (was {})", Long.toHexString(memberId), Long.toHexString(servingMember));
        }
        servingMember = memberId;
        metrics.servedBy(memberId);
    }

    private void reconnecting(int gen, long nextRevision, Throwable cause) {
        if (gen != generation) {
            return;
        }
        metrics.reconnected();
        LOG.info("the watch broke at revision {} ({}); resuming from there",
                nextRevision, cause == null ? "stream ended" : cause.getMessage());
    }

    private void publish(ViewApplier.Step step, ViewUpdate.Cause cause) {
        ClusterView previous = view;
        ClusterView current = step.view();
        if (current == previous && cause != ViewUpdate.Cause.INITIAL) {
            return;
        }
        view = current;
        metrics.published(current.revision(), step.applied(), System.currentTimeMillis());
        ViewUpdate update = new ViewUpdate(previous, current, step.changes(), cause);
        for (ClusterViewListener listener : listeners) {
            try {
                listener.onUpdate(update);
            } catch (RuntimeException e) {
                metrics.listenerFailed();
                LOG.error("a cluster view listener failed at revision {}", current.revision(), e);
            }
        }
        synchronized (published) {
            published.notifyAll();
        }
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // Closing: nothing more to do.
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing: the watch's last words are not needed.
        }
    }

    /** Changes from one store callback, tagged with the watch they came from. */
    private record Batch(int gen, List<WatchEvent> events, long arrivedNanos) {
    }

    /** Hands the store's callbacks to the watcher thread, tagged with the watch they came from. */
    private final class Listener implements WatchListener {
        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            // Queued in arrival order; one drain task takes whatever has piled up.
            pending.add(new Batch(gen, events, System.nanoTime()));
            if (drainScheduled.compareAndSet(false, true)) {
                submit(ClusterWatcher.this::drain);
            }
        }

        @Override
        public void onCompacted(long compactRevision) {
            submit(() -> compacted(gen, compactRevision));
        }

        @Override
        public void onReconnecting(long nextRevision, Throwable cause) {
            submit(() -> reconnecting(gen, nextRevision, cause));
        }

        @Override
        public void onStreamOpened(long memberId) {
            submit(() -> streamOpened(gen, memberId));
        }
    }
}
