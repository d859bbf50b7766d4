package io.swarmnet.control.view;

import io.swarmnet.control.store.Keys;

/** The kinds of record a {@link ClusterView} holds, each under its own key prefix. */
public enum RecordKind {
    /** A node's persistent record, {@link Keys#NODES}. */
    NODE(Keys.NODES),
    /** A node's leased liveness key, {@link Keys#NODES_ALIVE}: the node is ready while it exists. */
    LIVENESS(Keys.NODES_ALIVE),
    /** A network record, {@link Keys#NETWORKS}. */
    NETWORK(Keys.NETWORKS),
    /** A service record, {@link Keys#SERVICES}. */
    SERVICE(Keys.SERVICES),
    /** A task record, {@link Keys#TASKS}. */
    TASK(Keys.TASKS),
    /** What the node running a task last reported of it, {@link Keys#TASK_STATUS}. */
    REPORT(Keys.TASK_STATUS);

    private final String prefix;

    RecordKind(String prefix) {
        this.prefix = prefix;
    }

    /** The key prefix of this kind; a record's key is the prefix and its id. */
    public String prefix() {
        return prefix;
    }

    public String key(String id) {
        return prefix + id;
    }
}
