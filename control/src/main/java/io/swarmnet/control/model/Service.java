package io.swarmnet.control.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service's record, stored as JSON under {@code /swarmnet/v1/services/<id>}.
 *
 * @param version      the record's schema version, {@link #SCHEMA_VERSION} when written by this code
 * @param id           25 lowercase base-36 characters
 * @param name         unique in the cluster; also its DNS name
 * @param mode         replicated (with {@code replicas}) or global
 * @param replicas     desired task count of a replicated service
 * @param endpointMode vip or dnsrr
 * @param networks     the networks it is attached to, with a VIP on each in vip mode
 * @param ports        published ports
 * @param command      a container task's command and arguments, overriding its image's (none: the image's own);
 *                     without a container spec, what the lab's task runner executes in the task's namespace
 * @param labels       free-form user labels
 * @param lbScheduler  how new flows to its VIPs pick a task; absent in records written
 *                     before it existed, which read as {@link LbScheduler#RR}
 * @param container    the container each task runs, which the node's agent starts through its Docker
 *                     engine; null for tasks the lab runs as host commands, and in records written before
 *                     containers existed
 */
public record Service(int version, String id, String name, ServiceMode mode, int replicas, EndpointMode endpointMode,
                      List<NetworkAttachment> networks, List<PublishedPort> ports, List<String> command,
                      Map<String, String> labels, LbScheduler lbScheduler,
                      ContainerSpec container) {
    public static final int SCHEMA_VERSION = 1;

    public Service {
        if (version < 1) {
            throw new IllegalArgumentException("service record version must be 1 or more, not " + version);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(endpointMode, "endpointMode");
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
        }
        networks = networks == null ? List.of() : List.copyOf(networks);
        ports = ports == null ? List.of() : List.copyOf(ports);
        command = command == null ? List.of() : List.copyOf(command);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        lbScheduler = lbScheduler == null ? LbScheduler.RR : lbScheduler;
    }

    /** A service balanced round-robin. */
    public Service(int version, String id, String name, ServiceMode mode, int replicas, EndpointMode endpointMode,
                   List<NetworkAttachment> networks, List<PublishedPort> ports, List<String> command,
                   Map<String, String> labels) {
        this(version, id, name, mode, replicas, endpointMode, networks, ports, command, labels, LbScheduler.RR, null);
    }

    /** This service with {@code newReplicas} replicas. */
    public Service withReplicas(int newReplicas) {
        return new Service(version, id, name, mode, newReplicas, endpointMode, networks, ports, command, labels, lbScheduler,
                container);
    }

    /** This service running {@code newContainer}. */
    public Service withContainer(ContainerSpec newContainer) {
        return new Service(version, id, name, mode, replicas, endpointMode, networks, ports, command, labels, lbScheduler,
                newContainer);
    }
}
