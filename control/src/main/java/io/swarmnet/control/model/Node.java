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
 * @param lbWeight      the weight of this node's tasks in services balanced by weighted
 *                      round-robin ({@code wrr}), 1 to {@value #MAX_LB_WEIGHT}; null (absent
 *                      in the JSON, as in records written before it existed) means
 *                      {@value #DEFAULT_LB_WEIGHT}
 */
public record Node(int version, String id, String hostname, NodeRole role, String advertiseAddr,
                   NodeAvailability availability,
                   @JsonInclude(JsonInclude.Include.NON_NULL) TaskEndpoint ingress,
                   @JsonInclude(JsonInclude.Include.NON_NULL) Integer lbWeight) {
    public static final int SCHEMA_VERSION = 1;
    /** The weight of a node nobody weighted: every task counts the same. */
    public static final int DEFAULT_LB_WEIGHT = 1;
    /** The largest weight, IPVS's and the load balancer's bound. */
    public static final int MAX_LB_WEIGHT = 65535;

    public Node {
        if (version < 1) {
            throw new IllegalArgumentException("node record version must be 1 or more, not " + version);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(advertiseAddr, "advertiseAddr");
        Objects.requireNonNull(availability, "availability");
        if (lbWeight != null && (lbWeight < 1 || lbWeight > MAX_LB_WEIGHT)) {
            throw new IllegalArgumentException("node weight " + lbWeight + " is outside 1.." + MAX_LB_WEIGHT);
        }
    }

    public Node(int version, String id, String hostname, NodeRole role, String advertiseAddr,
                NodeAvailability availability) {
        this(version, id, hostname, role, advertiseAddr, availability, null, null);
    }

    /** Returns the weight of this node's tasks under weighted round-robin. */
    public int weight() {
        return lbWeight == null ? DEFAULT_LB_WEIGHT : lbWeight;
    }

    /** A new node record in the current schema, available for tasks. */
    public static Node of(String id, String hostname, NodeRole role, String advertiseAddr) {
        return new Node(SCHEMA_VERSION, id, hostname, role, advertiseAddr, NodeAvailability.ACTIVE);
    }

    public Node withAvailability(NodeAvailability newAvailability) {
        return new Node(version, id, hostname, role, advertiseAddr, newAvailability, ingress, lbWeight);
    }

    public Node withIngress(TaskEndpoint newIngress) {
        return new Node(version, id, hostname, role, advertiseAddr, availability, newIngress, lbWeight);
    }

    /** Returns this record with weight {@code newWeight}; {@code null} for the default. */
    public Node withLbWeight(Integer newWeight) {
        return new Node(version, id, hostname, role, advertiseAddr, availability, ingress, newWeight);
    }
}
