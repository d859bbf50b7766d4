package io.swarmnet.control.model;

/**
 * The wall-clock time a transaction of the cluster CLI was sent for commit, stored with
 * it under {@code Keys.COMMIT_STAMP}, so every watcher can tell how long a change took to
 * reach it (clocks kept by NTP, as a cluster's are; in the lab, one clock).
 *
 * @param epochMillis milliseconds since the epoch on the writer's clock
 */
public record CommitStamp(long epochMillis) {
}
