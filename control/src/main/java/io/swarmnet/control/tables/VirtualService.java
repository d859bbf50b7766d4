package io.swarmnet.control.tables;

import io.swarmnet.control.model.LbScheduler;
import io.swarmnet.packet.Ipv4Address;
import java.util.List;

/**
 * A service's virtual IP on one network and the tasks behind it (endpoint mode vip).
 *
 * @param serviceId the service
 * @param name      its name
 * @param networkId the network
 * @param vni       the network's VNI
 * @param vip       the virtual IP
 * @param backends  running tasks on ready nodes (active) and draining tasks, in task id order
 * @param scheduler how new flows pick a backend
 */
public record VirtualService(String serviceId, String name, String networkId, int vni, int vip, List<Backend> backends,
                             LbScheduler scheduler) {

    public VirtualService {
        backends = List.copyOf(backends);
        scheduler = scheduler == null ? LbScheduler.RR : scheduler;
    }

    /** A VIP balanced round-robin. */
    public VirtualService(String serviceId, String name, String networkId, int vni, int vip, List<Backend> backends) {
        this(serviceId, name, networkId, vni, vip, backends, LbScheduler.RR);
    }

    /** The backends that take new flows. */
    public List<Backend> activeBackends() {
        return backends.stream().filter(Backend::active).toList();
    }

    @Override
    public String toString() {
        return name + "@" + vni + "/" + Ipv4Address.toString(vip) + (scheduler != LbScheduler.RR ? "(" + scheduler.label() + ")" : "")
                + backends;
    }
}
