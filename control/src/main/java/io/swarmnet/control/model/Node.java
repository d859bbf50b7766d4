package io.swarmnet.control.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * A node's persistent record, stored as JSON under {@code /swarmnet/v1/nodes/<id>}.
 *
 * @param version       the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param id            25 lowercase base-36 characters, stable across restarts
 * @param hostname      the host's name as the operator knows it
 * @param role          manager (an etcd member runs at its address) or worker
 * @param advertiseAddr the IP address other nodes reach it at, also the VXLAN underlay address
 * @param availability  whether the scheduler may place tasks on it
 * @param ingress       the node's own endpoint on the ingress network (Docker's ingress-sbox),
 *                      where the routing mesh sends from and replies come back to; null until
 *                      the control plane allocates it
 */
public record Node(int version, String id, String hostname, NodeRole role, String advertiseAddr,
                   NodeAvailability availability,
                   @JsonInclude(JsonInclude.Include.NON_NULL) TaskEndpoint ingress) {
    public static final int SCHEMA_VERSION = 1;

    public Node {
        if (version < 1) {
            throw new IllegalArgumentException("node record version must be 1 or more, not " + version);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(advertiseAddr, "advertiseAddr");
        Objects.requireNonNull(availability, "availability");
    }

    public Node(int version, String id, String hostname, NodeRole role, String advertiseAddr,
                NodeAvailability availability) {
        this(version, id, hostname, role, advertiseAddr, availability, null);
    }

    /** A new node record in the current schema, available for tasks. */
    public static Node of(String id, String hostname, NodeRole role, String advertiseAddr) {
        return new Node(SCHEMA_VERSION, id, hostname, role, advertiseAddr, NodeAvailability.ACTIVE);
    }

    public Node withAvailability(NodeAvailability newAvailability) {
        return new Node(version, id, hostname, role, advertiseAddr, newAvailability, ingress);
    }

    public Node withIngress(TaskEndpoint newIngress) {
        return new Node(version, id, hostname, role, advertiseAddr, availability, newIngress);
    }
}
