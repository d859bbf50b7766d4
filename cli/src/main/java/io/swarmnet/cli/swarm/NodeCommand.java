package io.swarmnet.cli.swarm;

import io.swarmnet.control.cluster.ClusterException;
import io.swarmnet.control.cluster.ClusterSnapshot;
import io.swarmnet.control.cluster.ClusterStore;
import io.swarmnet.control.model.Node;
import io.swarmnet.control.model.NodeRole;
import io.swarmnet.control.model.NodeState;
import io.swarmnet.control.node.NodeStatus;
import io.swarmnet.control.store.Member;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code swarmnet node}: the nodes whose agents registered, as {@code docker node} shows them. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Show and weight the cluster's nodes.",
        subcommands = {NodeCommand.Ls.class, NodeCommand.Inspect.class, NodeCommand.Update.class})
public final class NodeCommand {

    /** {@code node ls}: status from each agent's lease, manager status from the etcd members. */
    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List nodes.")
    static final class Ls extends ClusterCommand {
        @Option(names = {"-q", "--quiet"}, description = "Only display node IDs.")
        boolean quiet;

        @Option(names = "--format", paramLabel = "json", description = "json: one JSON object per node and line.")
        String format;

        @Override
        void validate() {
            Formats.json(spec, format);
        }

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            List<NodeStatus> nodes = snap.nodes();
            if (quiet) {
                nodes.forEach(n -> out().println(Formats.shortId(n.node().id())));
                out().flush();
                return 0;
            }
            Managers managers = new Managers(cluster, options, nodes);
            if (Formats.json(spec, format)) {
                Json.printLines(out(), nodes.stream().map(n -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("ID", n.node().id());
                    m.put("Self", managers.self(n.node()));
                    m.put("Hostname", n.node().hostname());
                    m.put("Status", status(n));
                    m.put("Availability", capitalized(n.node().availability().label()));
                    m.put("ManagerStatus", managers.status(n.node()));
                    m.put("Role", n.node().role().label());
                    m.put("Addr", n.node().advertiseAddr());
                    return m;
                }).toList());
            } else {
                Table table = new Table("ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS");
                for (NodeStatus n : nodes) {
                    table.row(Formats.shortId(n.node().id()) + (managers.self(n.node()) ? " *" : ""), n.node().hostname(),
                            status(n), capitalized(n.node().availability().label()), managers.status(n.node()));
                }
                table.print(out());
            }
            return 0;
        }
    }

    /** {@code node inspect}: docker's JSON shape; {@code self} is this host's node. */
    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Display detailed information on nodes.")
    static final class Inspect extends ClusterCommand {
        @Parameters(paramLabel = "NODE", arity = "1..*", description = "Hostnames, IDs, ID prefixes, or self.")
        List<String> refs;

        @Option(names = "--format", paramLabel = "json", description = "json: one compact JSON object per line.")
        String format;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            ClusterSnapshot snap = cluster.read();
            Managers managers = new Managers(cluster, options, snap.nodes());
            return inspectEach(refs, format, ref -> {
                return inspect(snap.node(resolve(ref, options)), managers);
            });
        }
    }

    /** {@code node update --lb-weight N NODE}: the node's tasks' share of new flows in {@code wrr} services. */
    @Command(name = "update", mixinStandardHelpOptions = true, description = "Update a node.")
    static final class Update extends ClusterCommand {
        @Parameters(paramLabel = "NODE", description = "Hostname, ID, ID prefix, or self.")
        String ref;

        @Option(names = "--lb-weight", paramLabel = "N", required = true,
                description = "Weight of the node's tasks in services with --lb-scheduler wrr, 1 to "
                        + Node.MAX_LB_WEIGHT + " (every node starts at " + Node.DEFAULT_LB_WEIGHT
                        + "): a node of weight 3 gets three new flows for every one of a node of weight 1.")
        int weight;

        @Override
        int run(ClusterStore cluster, StoreOptions options) {
            out().println(cluster.setNodeWeight(resolve(ref, options), weight).id());
            out().flush();
            return 0;
        }
    }

    /** {@code self} is the node of the agent that ran with this host's {@code --data-root}; anything else is as given. */
    static String resolve(String ref, StoreOptions options) {
        return ref.equals("self") ? options.localNodeId().orElseThrow(() -> new ClusterException(
                ClusterException.Reason.NOT_FOUND, "this host has no node id under " + options.dataRoot
                        + ": no agent ran here with this --data-root")) : ref;
    }

    static String status(NodeStatus n) {
        return n.state() == NodeState.READY ? "Ready" : "Down";
    }

    static String capitalized(String label) {
        return label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);
    }

    static Map<String, Object> inspect(NodeStatus n, Managers managers) {
        Node node = n.node();
        Map<String, Object> specMap = new LinkedHashMap<>();
        specMap.put("Role", node.role().label());
        specMap.put("Availability", node.availability().label());
        specMap.put("LbWeight", node.weight());
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("State", n.state().label());
        status.put("Addr", node.advertiseAddr());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", node.id());
        m.put("Spec", specMap);
        m.put("Description", Map.of("Hostname", node.hostname()));
        m.put("Status", status);
        String managerStatus = managers.status(node);
        if (!managerStatus.isEmpty()) {
            Map<String, Object> ms = new LinkedHashMap<>();
            ms.put("Leader", managerStatus.equals(Member.Status.LEADER.label()));
            ms.put("Reachability", managerStatus.equals(Member.Status.UNREACHABLE.label()) ? "unreachable" : "reachable");
            managers.member(node).ifPresent(member -> ms.put("Addr", member.clientUrls().isEmpty() ? ""
                    : member.clientUrls().get(0).toString()));
            m.put("ManagerStatus", ms);
        }
        return m;
    }

    /**
     * Which node is a manager in what state: a manager node is the etcd member whose client
     * URL is on its advertise address. With the embedded store, this host is the only
     * manager and leads.
     */
    static final class Managers {
        private final List<Member> members;
        private final boolean embedded;
        private final Optional<String> self;

        Managers(ClusterStore cluster, StoreOptions options, List<NodeStatus> nodes) {
            this.embedded = options.embedded();
            this.self = options.localNodeId();
            boolean anyManager = nodes.stream().anyMatch(n -> n.node().role() == NodeRole.MANAGER);
            // Asking every member costs up to a timeout when one is dead: only when it matters.
            this.members = anyManager && !embedded ? cluster.store().members() : List.of();
        }

        boolean self(Node node) {
            return self.isPresent() && self.get().equals(node.id());
        }

        Optional<Member> member(Node node) {
            String address = normalize(node.advertiseAddr());
            for (Member member : members) {
                for (URI url : member.clientUrls()) {
                    if (url.getHost() != null && normalize(url.getHost()).equals(address)) {
                        return Optional.of(member);
                    }
                }
            }
            return Optional.empty();
        }

        /** Leader, Reachable or Unreachable for a manager; empty for a worker. */
        String status(Node node) {
            if (embedded) {
                return self(node) ? Member.Status.LEADER.label() : node.role() == NodeRole.MANAGER ? Member.Status.UNREACHABLE.label() : "";
            }
            if (node.role() != NodeRole.MANAGER) {
                return "";
            }
            return member(node).map(m -> m.status().label()).orElse(Member.Status.UNREACHABLE.label());
        }

        private static String normalize(String host) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return h.toLowerCase(Locale.ROOT);
        }
    }
}
