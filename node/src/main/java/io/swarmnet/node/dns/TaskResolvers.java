package io.swarmnet.node.dns;

import io.swarmnet.control.tables.DnsKey;
import io.swarmnet.control.tables.DnsRecord;
import io.swarmnet.control.tables.Table;
import io.swarmnet.dns.DnsConfig;
import io.swarmnet.dns.DnsCounters;
import io.swarmnet.dns.DnsEndpoint;
import io.swarmnet.dns.DnsServer;
import io.swarmnet.sys.Netns;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's embedded resolver and its endpoint in each attached task: 127.0.0.11:53 over
 * UDP and TCP inside the task's namespace, answering from the task's networks. Called by
 * the overlay data plane under its lock, so attach, detach and publish never interleave.
 */
public final class TaskResolvers implements AutoCloseable {
    private final DnsServer server;
    private final Map<String, DnsEndpoint> endpoints = new HashMap<>();
    private Table<DnsKey, DnsRecord> published;

    public TaskResolvers(DnsConfig config) {
        this.server = DnsServer.start(config);
    }

    /**
     * Opens the resolver in task {@code taskId}'s namespace (whose {@code lo} is up),
     * replacing an endpoint it had.
     *
     * @param networkIds the task's networks, in its interface order
     */
    public synchronized void open(String taskId, Netns netns, List<String> networkIds) throws IOException {
        close(taskId);
        endpoints.put(taskId, server.open(netns, DnsServer.TASK_ADDRESS, networkIds));
    }

    /** Closes the task's resolver sockets; a task without them is no error. */
    public synchronized void close(String taskId) {
        DnsEndpoint endpoint = endpoints.remove(taskId);
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** Answers from {@code dns} from now on; an unchanged table instance costs nothing. */
    public synchronized void publish(Table<DnsKey, DnsRecord> dns) {
        if (dns != published) {
            server.publish(DnsTablesMapper.map(dns));
            published = dns;
        }
    }

    /** The names answered now, as the control plane computed them; empty before the first publish. */
    public synchronized Table<DnsKey, DnsRecord> records() {
        return published == null ? Table.empty() : published;
    }

    public synchronized int endpoints() {
        return endpoints.size();
    }

    public DnsCounters counters() {
        return server.counters();
    }

    @Override
    public synchronized void close() {
        endpoints.values().forEach(DnsEndpoint::close);
        endpoints.clear();
        server.close();
    }
}
