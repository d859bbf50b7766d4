package io.swarmnet.control.model;

import java.util.List;
import java.util.Objects;

/**
 * A task (one replica of a service on one node) and its endpoints, stored as JSON under
 * {@code /swarmnet/v1/tasks/<id>}. Its name, as Docker prints it, is {@code <service>.<slot>}.
 *
 * @param version   the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param id        25 lowercase base-36 characters
 * @param serviceId the service it belongs to
 * @param slot      1-based replica number of a replicated service; 0 for global services
 * @param nodeId    the node it runs on
 * @param state     running or draining
 * @param endpoints one per network of the service
 */
public record Task(int version, String id, String serviceId, int slot, String nodeId, TaskState state,
                   List<TaskEndpoint> endpoints) {
    public static final int SCHEMA_VERSION = 1;

    public Task {
        if (version < 1) {
            throw new IllegalArgumentException("task record version must be 1 or more, not " + version);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(state, "state");
        if (slot < 0) {
            throw new IllegalArgumentException("slot must be 0 or more, not " + slot);
        }
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }

    /** This task in {@code newState}. */
    public Task withState(TaskState newState) {
        return new Task(version, id, serviceId, slot, nodeId, newState, endpoints);
    }
}
