package io.swarmnet.control.cluster;

/**
 * A cluster change that cannot be made, with a message fit for one CLI line (the docker
 * CLI's wording where it has one) and a reason a program can branch on.
 */
public final class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the change was refused. */
    public enum Reason {
        /** The request itself is malformed: a bad name, subnet, port or combination of options. */
        INVALID,
        /** A referenced network, service or node does not exist. */
        NOT_FOUND,
        /** An id prefix matches more than one object. */
        AMBIGUOUS,
        /** The name is in use by another network or service. */
        NAME_TAKEN,
        /** The requested subnet overlaps an existing network's. */
        SUBNET_OVERLAP,
        /** No subnet, address or VNI is left to hand out. */
        POOL_EXHAUSTED,
        /** No published port is left in 30000-32767 for the protocol. */
        PORT_RANGE_EXHAUSTED,
        /** The published port is taken by another service (or, in host mode, on that node). */
        PORT_IN_USE,
        /** The network is still attached to services. */
        IN_USE,
        /** {@code init} ran before on this cluster. */
        ALREADY_INITIALIZED,
        /** No ready, active node can take a task. */
        NO_SUITABLE_NODE,
        /** Other writers kept changing the state the change depends on; trying again may succeed. */
        CONFLICT
    }

    private final Reason reason;

    public ClusterException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
