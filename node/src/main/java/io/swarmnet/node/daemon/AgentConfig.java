package io.swarmnet.node.daemon;

import io.swarmnet.control.store.StoreAddress;
import io.swarmnet.dns.DnsConfig;
import io.swarmnet.lb.LbConfig;
import io.swarmnet.sys.CpuSet;
import io.swarmnet.vxlan.vtep.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent's validated settings, one per {@code swarmnet agent} flag.
 *
 * @param hostname      the node's name in the registry
 * @param advertiseAddr the address other nodes reach this one at (and the VXLAN underlay address)
 * @param dataPathPort  the UDP port of the VXLAN data path
 * @param dataPathTransport the Netty transport of the VXLAN data path
 * @param dataPathCpus  the CPUs of the data path, an event loop on each (by default every CPU the
 *                      agent may run on), or null for one loop on any CPU
 * @param store         the managers' etcd endpoints, or null for the embedded single-host store under {@code dataRoot}
 * @param metricsAddr   where /metrics and /healthz are served
 * @param dataRoot      where the node keeps its state: its id and the local API socket
 * @param nodeTtl       how long the node stays ready after its agent stops answering
 * @param storeTimeout  the bound on connecting to the store and on every request
 * @param gwbridgePool  the docker_gwbridge address pool, e.g. 172.18.0.0/16
 * @param cleanup       whether stopping the agent removes everything it made on the node
 * @param loadBalancer  the service load balancer's conntrack size and timeouts
 * @param dns           the embedded resolver's TTL and upstreams
 * @param web           whether to serve the live cluster view at /ui/ beside /metrics
 * @param dockerHost    the Docker engine that runs this node's container tasks, or null for none
 */
public record AgentConfig(String hostname, InetAddress advertiseAddr, int dataPathPort, Transport dataPathTransport,
                          CpuSet dataPathCpus, StoreAddress store,
                          InetSocketAddress metricsAddr, Path dataRoot, Duration nodeTtl, Duration storeTimeout,
                          String gwbridgePool, boolean cleanup, LbConfig loadBalancer, DnsConfig dns,
                          boolean web, String dockerHost) {

    public AgentConfig {
        loadBalancer = loadBalancer == null ? LbConfig.DEFAULT : loadBalancer;
    }

    /** The local API's unix socket: under the data root, so agents sharing a machine (the lab) never collide. */
    public Path apiSocket() {
        return dataRoot.resolve("api.sock");
    }
}
