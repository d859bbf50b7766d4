package io.swarmnet.control.store;

import java.util.List;

/**
 * Receives the changes under a watched prefix. Called on the store's event thread, one
 * call at a time, in revision order; do not block in it.
 */
public interface WatchListener {

    /**
     * The next changes, in revision order; all changes of one revision (one transaction)
     * arrive in the same call.
     */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch ended because the store dropped the history it needed: revisions before
     * {@code compactRevision} are gone. Re-list the prefix, diff against what you know,
     * and watch again from the listing's revision + 1.
     */
    void onCompacted(long compactRevision);

    /**
     * The stream broke (member gone, connection lost, member without a leader) and reopens
     * on its own from {@code nextRevision} after a pause; no change is lost or repeated.
     * For logs and metrics.
     *
     * @param cause why it broke, null when the member ended the stream
     */
    default void onReconnecting(long nextRevision, Throwable cause) {
    }

    /**
     * A (re)opened stream was accepted by the manager {@code memberId}; a different member
     * than before means the watch failed over. For logs and metrics.
     */
    default void onStreamOpened(long memberId) {
    }
}
