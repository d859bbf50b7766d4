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

    private Keys() {
    }

    public static String node(String nodeId) {
        return NODES + nodeId;
    }

    public static String nodeAlive(String nodeId) {
        return NODES_ALIVE + nodeId;
    }

    /** The last path segment of {@code key} after {@code prefix}, e.g. the node id of a node key. */
    public static String idOf(String prefix, String key) {
        if (!key.startsWith(prefix)) {
            throw new IllegalArgumentException(key + " is not under " + prefix);
        }
        return key.substring(prefix.length());
    }
}
