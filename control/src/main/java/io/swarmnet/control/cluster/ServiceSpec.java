package io.swarmnet.control.cluster;

import io.swarmnet.control.model.ContainerSpec;
import io.swarmnet.control.model.EndpointMode;
import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.control.model.ServiceMode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code service create} asks for; {@link ClusterStore#createService} allocates VIPs,
 * ports and task addresses and places the tasks.
 *
 * @param name         unique among services, a DNS label
 * @param mode         replicated or global
 * @param replicas     how many tasks a replicated service runs; ignored for global
 * @param endpointMode vip or dnsrr
 * @param networks     the networks to join, in order; the ingress network is joined on its own when a port is published in ingress mode
 * @param ports        the ports to publish
 * @param command      what each task runs
 * @param labels       free-form user labels
 * @param lbScheduler  how new flows to its VIPs pick a task; null for round-robin
 * @param container    the container each task runs, or null for the lab's host-command tasks
 */
public record ServiceSpec(String name, ServiceMode mode, int replicas, EndpointMode endpointMode,
                          List<NetworkRequest> networks, List<PortRequest> ports, List<String> command,
                          Map<String, String> labels, LbScheduler lbScheduler, ContainerSpec container) {
    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        mode = mode == null ? ServiceMode.REPLICATED : mode;
        endpointMode = endpointMode == null ? EndpointMode.VIP : endpointMode;
        networks = networks == null ? List.of() : List.copyOf(networks);
        ports = ports == null ? List.of() : List.copyOf(ports);
        command = command == null ? List.of() : List.copyOf(command);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        lbScheduler = lbScheduler == null ? LbScheduler.RR : lbScheduler;
    }

    /** A spec balanced round-robin. */
    public ServiceSpec(String name, ServiceMode mode, int replicas, EndpointMode endpointMode,
                       List<NetworkRequest> networks, List<PortRequest> ports, List<String> command,
                       Map<String, String> labels) {
        this(name, mode, replicas, endpointMode, networks, ports, command, labels, LbScheduler.RR, null);
    }

    /** A replicated vip-mode service with no networks or ports, for building on. */
    public static ServiceSpec replicated(String name, int replicas) {
        return new ServiceSpec(name, ServiceMode.REPLICATED, replicas, EndpointMode.VIP, List.of(), List.of(), List.of(), Map.of());
    }

    public ServiceSpec withNetworks(NetworkRequest... requested) {
        return new ServiceSpec(name, mode, replicas, endpointMode, List.of(requested), ports, command, labels, lbScheduler, container);
    }

    public ServiceSpec withPorts(PortRequest... requested) {
        return new ServiceSpec(name, mode, replicas, endpointMode, networks, List.of(requested), command, labels, lbScheduler, container);
    }

    public ServiceSpec withMode(ServiceMode newMode) {
        return new ServiceSpec(name, newMode, replicas, endpointMode, networks, ports, command, labels, lbScheduler, container);
    }

    public ServiceSpec withLbScheduler(LbScheduler scheduler) {
        return new ServiceSpec(name, mode, replicas, endpointMode, networks, ports, command, labels, scheduler, container);
    }

    public ServiceSpec withContainer(ContainerSpec newContainer) {
        return new ServiceSpec(name, mode, replicas, endpointMode, networks, ports, command, labels, lbScheduler, newContainer);
    }

    public ServiceSpec withEndpointMode(EndpointMode newMode) {
        return new ServiceSpec(name, mode, replicas, newMode, networks, ports, command, labels, lbScheduler, container);
    }
}
