package io.swarmnet.control.model;

import java.util.Objects;

/**
 * The value of an allocation key under {@code /swarmnet/v1/alloc/}: who holds the name,
 * VNI, subnet, address or port the key stands for.
 *
 * @param version   the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param owner     what holds it: {@code network}, {@code gateway}, {@code vip}, {@code service} or {@code task}
 * @param id        the holder's id (a network's, a service's or a task's)
 * @param serviceId for a task's address or port, the task's service; null otherwise
 */
public record Reservation(int version, String owner, String id, String serviceId) {
    public static final int SCHEMA_VERSION = 1;
    public static final String NETWORK = "network";
    public static final String GATEWAY = "gateway";
    public static final String VIP = "vip";
    public static final String SERVICE = "service";
    public static final String TASK = "task";
    /** A node's own endpoint on the ingress network. */
    public static final String NODE = "node";

    public Reservation {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(id, "id");
    }

    public static Reservation of(String owner, String id) {
        return new Reservation(SCHEMA_VERSION, owner, id, null);
    }

    public static Reservation ofTask(String taskId, String serviceId) {
        return new Reservation(SCHEMA_VERSION, TASK, taskId, serviceId);
    }
}
