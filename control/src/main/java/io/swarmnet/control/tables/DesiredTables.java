package io.swarmnet.control.tables;

import io.swarmnet.control.view.ClusterView;
import java.util.Objects;
import java.util.Set;

/**
 * What one node's data plane should hold, derived from a {@link ClusterView}: a pure
 * function of the view, the node's id and the networks it has local attachments on.
 * Immutable; built off the packet path and handed over through one volatile reference
 * ({@link DesiredTablesPublisher}). Each table has value equality and a diff, so a
 * reconciler applies only what changed.
 *
 * <p>Which tasks count. A task on a ready node (its liveness key exists and its record
 * names an IPv4 underlay address) is reachable; a task on a down node is in no table: not
 * a backend, not a forwarding entry, not a DNS answer. This node's own tasks always count,
 * even when the view says this node is down (its lease lapsed in a partition): the agent
 * is plainly running and keeps serving what it has.
 *
 * @param revision       the store revision of the view the tables were built from
 * @param nodeId         the node they are for
 * @param networks       the overlay networks this node takes part in, by VNI: the ingress
 *                       network, those of its tasks and those it has local attachments on
 * @param fdb            remote task MAC to the underlay address of its node (VTEP), per VNI
 * @param arp            IP to MAC per VNI, for every reachable task on this node's networks
 *                       and for each service VIP (a MAC derived like a task's, answered by
 *                       the ARP responder and caught by the load balancer)
 * @param localEndpoints this node's tasks, one entry per task and network
 * @param services       VIP to backends per network, endpoint mode vip
 * @param publishedPorts the ports this node answers on: every ingress-mode port, and the
 *                       host-mode ports of services with a task here
 * @param dns            names to addresses per network, for the tasks' resolver
 */
public record DesiredTables(long revision, String nodeId,
                            Table<Integer, LocalNetwork> networks,
                            Table<MacKey, Integer> fdb,
                            Table<IpKey, Long> arp,
                            Table<EndpointKey, LocalEndpoint> localEndpoints,
                            Table<IpKey, VirtualService> services,
                            Table<PortKey, PortMapping> publishedPorts,
                            Table<DnsKey, DnsRecord> dns) {

    public DesiredTables {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(networks, "networks");
        Objects.requireNonNull(fdb, "fdb");
        Objects.requireNonNull(arp, "arp");
        Objects.requireNonNull(localEndpoints, "localEndpoints");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(publishedPorts, "publishedPorts");
        Objects.requireNonNull(dns, "dns");
    }

    /** No tables: what a node holds before it has read the cluster state. */
    public static DesiredTables empty(String nodeId) {
        return new DesiredTables(0, nodeId, Table.empty(), Table.empty(), Table.empty(), Table.empty(),
                Table.empty(), Table.empty(), Table.empty());
    }

    /**
     * Builds the tables of {@code nodeId} from {@code view}.
     *
     * @param attachedNetworkIds networks this node has local attachments on beyond its
     *                           tasks' (standalone containers on attachable networks);
     *                           ids the view does not know are ignored
     */
    public static DesiredTables build(ClusterView view, String nodeId, Set<String> attachedNetworkIds) {
        return new DesiredTablesBuilder(view, nodeId, attachedNetworkIds).build();
    }

    /** Whether every table equals the other's, whatever the revisions. */
    public boolean sameTables(DesiredTables other) {
        return nodeId.equals(other.nodeId) && networks.equals(other.networks) && fdb.equals(other.fdb)
                && arp.equals(other.arp) && localEndpoints.equals(other.localEndpoints)
                && services.equals(other.services) && publishedPorts.equals(other.publishedPorts)
                && dns.equals(other.dns);
    }

    /** Whether every table is the very instance {@code other} holds, as after {@link #sharing} with no change. */
    public boolean sameInstancesAs(DesiredTables other) {
        return networks == other.networks && fdb == other.fdb && arp == other.arp
                && localEndpoints == other.localEndpoints && services == other.services
                && publishedPorts == other.publishedPorts && dns == other.dns;
    }

    /**
     * These tables, with every table that equals {@code previous}'s replaced by that very
     * instance, so a consumer can skip an unchanged table with one {@code ==}.
     */
    public DesiredTables sharing(DesiredTables previous) {
        return new DesiredTables(revision, nodeId,
                same(networks, previous.networks),
                same(fdb, previous.fdb),
                same(arp, previous.arp),
                same(localEndpoints, previous.localEndpoints),
                same(services, previous.services),
                same(publishedPorts, previous.publishedPorts),
                same(dns, previous.dns));
    }

    private static <K, V> Table<K, V> same(Table<K, V> current, Table<K, V> previous) {
        return current.equals(previous) ? previous : current;
    }
}
