package io.swarmnet.control.cluster;

import io.swarmnet.control.model.PortProtocol;
import io.swarmnet.control.store.Keys;
import io.swarmnet.packet.Ipv4Address;
import io.swarmnet.packet.Ipv4Subnet;

/**
 * The allocation keys under {@link Keys#ALLOC}: one reservation key per thing that must be
 * unique (a name, a VNI, a subnet, an address, a port), created in the transaction that
 * writes the record it serves and deleted with it, plus guard keys for the checks that
 * are not key equality (subnet overlap, ports across modes). docs/cluster-state.md
 * explains why this allocates nothing twice.
 */
public final class AllocKeys {
    /** The {@link io.swarmnet.control.model.ClusterConfig} that {@code swarmnet init} writes. */
    public static final String CLUSTER = Keys.ALLOC + "cluster";
    /** The id of the one ingress network. */
    public static final String INGRESS = Keys.ALLOC + "ingress";
    public static final String NETWORK_NAMES = Keys.ALLOC + "network-names/";
    public static final String SERVICE_NAMES = Keys.ALLOC + "service-names/";
    public static final String VNIS = Keys.ALLOC + "vnis/";
    /** The last VNI handed out: VNIs are allocated serially after it, as Docker does. */
    public static final String VNI_CURSOR = Keys.ALLOC + "vni-cursor";
    public static final String SUBNETS = Keys.ALLOC + "subnets/";
    /** Rewritten by every subnet allocation, so an overlap check holds until its commit. */
    public static final String SUBNET_GUARD = Keys.ALLOC + "subnet-guard";
    /** {@code ips/<network-id>/<address>}: the gateway, VIPs and task addresses of each network. */
    public static final String IPS = Keys.ALLOC + "ips/";
    public static final String NETWORK_USERS = Keys.ALLOC + "network-users/";
    /** {@code ports/ingress/<protocol>/<port>}: unique per protocol across the cluster. */
    public static final String INGRESS_PORTS = Keys.ALLOC + "ports/ingress/";
    /** {@code ports/host/<node-id>/<protocol>/<port>}: unique per protocol on each node. */
    public static final String HOST_PORTS = Keys.ALLOC + "ports/host/";
    /** Rewritten by every port allocation, so checks across ingress and host mode hold until commit. */
    public static final String PORT_GUARD = Keys.ALLOC + "port-guard";
    /** Rewritten by every change to a service's set of tasks. */
    public static final String SERVICE_TASKS = Keys.ALLOC + "service-tasks/";

    private AllocKeys() {
    }

    public static String networkName(String name) {
        return NETWORK_NAMES + name;
    }

    public static String serviceName(String name) {
        return SERVICE_NAMES + name;
    }

    public static String vni(int vni) {
        return VNIS + vni;
    }

    public static String subnet(Ipv4Subnet subnet) {
        return SUBNETS + subnet.keyForm();
    }

    /** The prefix of every address reservation on a network. */
    public static String ips(String networkId) {
        return IPS + networkId + "/";
    }

    public static String ip(String networkId, int address) {
        return ips(networkId) + Ipv4Address.toString(address);
    }

    public static String networkUsers(String networkId) {
        return NETWORK_USERS + networkId;
    }

    public static String ingressPort(PortProtocol protocol, int port) {
        return INGRESS_PORTS + protocol.label() + "/" + port;
    }

    public static String hostPort(String nodeId, PortProtocol protocol, int port) {
        return HOST_PORTS + nodeId + "/" + protocol.label() + "/" + port;
    }

    public static String serviceTasks(String serviceId) {
        return SERVICE_TASKS + serviceId;
    }
}
