package io.swarmnet.control.watch;

import java.util.function.LongConsumer;

/**
 * The counters and gauges of one {@link ClusterWatcher}, for the agent's {@code /metrics}.
 * Written only by the watcher's thread, read by anyone at scrape time.
 *
 * <p>Two latencies: its own share, from a change's arrival to every listener having taken
 * the new view ({@link #onApplyLatency}), and commit to applied ({@link #onCommitLag}),
 * which etcd cannot tell (it keeps no time with a revision), so the cluster CLI commits a
 * {@code CommitStamp} with every change and the watcher reads the writer's clock from it.
 * {@link #lastUpdateMillis()} tells how stale the view may be.
 */
public final class WatcherMetrics {
    // Single writer (the watcher thread): volatile makes each write visible to the scraper,
    // and the non-atomic increments are safe because nobody else writes.
    private volatile long revision;
    private volatile long eventsApplied;
    private volatile long updatesPublished;
    private volatile long duplicatesSkipped;
    private volatile long recordsRejected;
    private volatile long reconnects;
    private volatile long failovers;
    private volatile long relists;
    private volatile long listFailures;
    private volatile long listenerFailures;
    private volatile long lastUpdateMillis;
    private volatile long servingMember;
    private volatile LongConsumer applyLatency = nanos -> { };
    private volatile LongConsumer commitLag = millis -> { };

    /** The store revision of the current view. */
    public long revision() {
        return revision;
    }

    /** Watched changes applied to the view (each key change of each revision once). */
    public long eventsApplied() {
        return eventsApplied;
    }

    /** New views handed to the listeners. */
    public long updatesPublished() {
        return updatesPublished;
    }

    /** Changes delivered again after a reconnect and dropped because the view already had them. */
    public long duplicatesSkipped() {
        return duplicatesSkipped;
    }

    /** Records that did not parse or broke the schema; each was logged with its key and revision and left out. */
    public long recordsRejected() {
        return recordsRejected;
    }

    /** Times the watch stream broke and was reopened from the next revision. */
    public long reconnects() {
        return reconnects;
    }

    /** Times a reopened watch stream was served by a different manager than before. */
    public long failovers() {
        return failovers;
    }

    /** Re-listings after the store compacted the history the watch needed. */
    public long relists() {
        return relists;
    }

    /** Listing attempts that failed (no manager answered); each is retried. */
    public long listFailures() {
        return listFailures;
    }

    /** Listener calls that threw; the watcher logs them and goes on. */
    public long listenerFailures() {
        return listenerFailures;
    }

    /** When the view last changed, in epoch milliseconds; 0 before the first listing. */
    public long lastUpdateMillis() {
        return lastUpdateMillis;
    }

    /** The etcd member id of the manager serving the watch now; 0 before the first stream opened. */
    public long servingMember() {
        return servingMember;
    }

    /**
     * Receives, for every batch of watched changes, the nanoseconds from its arrival to the
     * last listener having taken the view it made; called on the watcher's thread.
     */
    public void onApplyLatency(LongConsumer observer) {
        applyLatency = observer;
    }

    void applied(long nanos) {
        applyLatency.accept(nanos);
    }

    /**
     * Receives, for every change committed through the cluster CLI, the milliseconds from
     * its commit (the writer's clock) to this view having it; called on the watcher's thread.
     */
    public void onCommitLag(LongConsumer observer) {
        commitLag = observer;
    }

    void committedAgo(long millis) {
        commitLag.accept(Math.max(0, millis));
    }

    void published(long newRevision, int events, long nowMillis) {
        revision = newRevision;
        eventsApplied += events;
        updatesPublished++;
        lastUpdateMillis = nowMillis;
    }

    void skipped(int count) {
        duplicatesSkipped += count;
    }

    void rejected(int count) {
        recordsRejected += count;
    }

    void reconnected() {
        reconnects++;
    }

    void servedBy(long memberId) {
        servingMember = memberId;
    }

    void failedOver() {
        failovers++;
    }

    void relisted() {
        relists++;
    }

    void listFailed() {
        listFailures++;
    }

    void listenerFailed() {
        listenerFailures++;
    }
}
