package io.swarmnet.control.store;

/**
 * The key layout of the cluster state in the store, version 1.
 *
 * <p>Every key lives under {@link #ROOT} so a future layout can sit beside it and an
 * operator can list or back up swarmnet's keys with one prefix. Directory-like prefixes
 * end in {@code /} so that listing {@code nodes/} does not also match {@code nodes-alive/}.
 */
public final class Keys {
    /** The prefix of every swarmnet key. */
    public static final String ROOT = "/swarmnet/v1/";
    /** Persistent node records, one per node id. */
    public static final String NODES = ROOT + "nodes/";
    /** Leased liveness keys: a node is ready exactly while its key exists. */
    public static final String NODES_ALIVE = ROOT + "nodes-alive/";
    /** Network records, one per network id. */
    public static final String NETWORKS = ROOT + "networks/";
    /** Service records, one per service id. */
    public static final String SERVICES = ROOT + "services/";
    /** Task records (a task's placement and endpoints), one per task id. */
    public static final String TASKS = ROOT + "tasks/";
    /**
     * What the node running each task last said of it ({@link io.swarmnet.control.model.TaskReport}),
     * one per task id, written by that node only. Not part of the cluster view.
     */
    public static final String TASK_STATUS = ROOT + "task-status/";
    /**
     * Allocation bookkeeping: reservations of names, VNIs, subnets, addresses and ports,
     * and the guards that make allocation safe under concurrency (see
     * {@code io.swarmnet.control.cluster.AllocKeys} and docs/cluster-state.md). Not part of
     * the cluster view: watchers of {@link #ROOT} skip it.
     */
    public static final String ALLOC = ROOT + "alloc/";
    /**
     * When the last change through the cluster CLI was committed, as the writer's wall
     * clock ({@link io.swarmnet.control.model.CommitStamp}), written in the same
     * transaction: watchers time commit-to-applied by it. Not part of the cluster view.
     */
    public static final String COMMIT_STAMP = ROOT + "meta/commit-stamp";

    private Keys() {
    }

    public static String node(String nodeId) {
        return NODES + nodeId;
    }

    public static String nodeAlive(String nodeId) {
        return NODES_ALIVE + nodeId;
    }

    public static String network(String networkId) {
        return NETWORKS + networkId;
    }

    public static String service(String serviceId) {
        return SERVICES + serviceId;
    }

    public static String task(String taskId) {
        return TASKS + taskId;
    }

    public static String taskStatus(String taskId) {
        return TASK_STATUS + taskId;
    }

    /** The last path segment of {@code key} after {@code prefix}, e.g. the node id of a node key. */
    public static String idOf(String prefix, String key) {
        if (!key.startsWith(prefix)) {
            throw new IllegalArgumentException(key + " is not under " + prefix);
        }
        return key.substring(prefix.length());
    }
}
