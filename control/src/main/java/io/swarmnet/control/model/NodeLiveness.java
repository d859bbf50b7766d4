package io.swarmnet.control.model;

/**
 * The value of a node's leased liveness key {@code /swarmnet/v1/nodes-alive/<id>}; the
 * key's existence is what matters, the value helps an operator reading etcd.
 *
 * @param version the schema version, 1
 * @param since   when this agent run registered, ISO-8601 UTC
 */
public record NodeLiveness(int version, String since) {
}
