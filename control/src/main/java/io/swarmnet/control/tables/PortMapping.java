package io.swarmnet.control.tables;

import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.model.PublishMode;
import java.util.List;

/**
 * A published port this node answers on and where it forwards: in ingress mode to any
 * task of the service over the ingress network, in host mode to this node's tasks only.
 *
 * @param serviceId   the service
 * @param serviceName its name
 * @param protocol    tcp or udp
 * @param published   the port on the node
 * @param target      the port on the task
 * @param mode        ingress or host
 * @param vni         ingress: the ingress network's VNI; host: the VNI of the backends' addresses
 * @param vip         ingress: the service's VIP on the ingress network, 0 when it has none; host: 0
 * @param backends    the tasks to forward to, in task id order
 * @param proxyProtocol whether the client's address goes to the task in a PROXY protocol v2 header
 */
public record PortMapping(String serviceId, String serviceName, PortProtocol protocol, int published, int target,
                          PublishMode mode, int vni, int vip, List<Backend> backends, boolean proxyProtocol) {

    public PortMapping {
        backends = List.copyOf(backends);
    }

    public PortMapping(String serviceId, String serviceName, PortProtocol protocol, int published, int target,
                       PublishMode mode, int vni, int vip, List<Backend> backends) {
        this(serviceId, serviceName, protocol, published, target, mode, vni, vip, backends, false);
    }
}
